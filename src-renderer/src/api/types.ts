/**
 * The API's data types, re-exported from the contract: the renderer's one seam with
 * src-main. Types only: nothing from src-main reaches the bundle.
 */
export type * from '../../../src-main/api/types'
export type {
  ApiClient,
  EventName,
  Events,
  Input,
  MethodName,
  Result,
} from '../../../src-main/api/contract'
