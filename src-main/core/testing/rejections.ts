import { expect } from 'vitest'
import { toErrorInfo, VireoError, type ErrorInfo } from '../errors'

// Test support (not shipped): what a promise that must fail failed with.

/** The VireoError `promise` rejects with; the test fails if it resolves or rejects with anything else. */
export async function vireoError(promise: Promise<unknown>): Promise<VireoError> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(VireoError)
  return error as VireoError
}

/** What a front end would be told of `promise`'s rejection (its ErrorInfo); throws if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<ErrorInfo> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => toErrorInfo(error),
  )
}
