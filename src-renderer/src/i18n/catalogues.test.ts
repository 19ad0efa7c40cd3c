import { describe } from 'vitest'
import { catalogueParityTests } from '../../../scripts/testing/catalogue-parity-tests'
import en from './en.json'
import zhCN from './zh-CN.json'

describe('translation catalogues', () => {
  catalogueParityTests(en, zhCN)
})
