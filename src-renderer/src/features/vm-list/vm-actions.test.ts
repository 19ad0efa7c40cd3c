import { describe, expect, it, vi } from 'vitest'

vi.mock('../../api/client', () => ({ api: {} }))
const { canDelete, powerActionsFor } = await import('./vm-actions')

describe('power actions by state', () => {
  it('offers Start only to a stopped or crashed VM', () => {
    expect(powerActionsFor({ state: 'stopped', broken: null, pause: null })).toEqual(['start'])
    expect(powerActionsFor({ state: 'crashed', broken: null, pause: null })).toEqual(['start'])
  })
  it('offers shut down, reboot, pause and force off to a running VM', () => {
    expect(powerActionsFor({ state: 'running', broken: null, pause: null })).toEqual([
      'shutdown',
      'reboot',
      'pause',
      'forceOff',
    ])
  })
  it('offers resume to a paused VM, and reboot instead to one whose guest crashed', () => {
    const paused = (reason: 'user' | 'io-error' | 'guest-panic') =>
      powerActionsFor({ state: 'paused', broken: null, pause: { reason } })
    expect(paused('user')).toEqual(['resume', 'forceOff'])
    expect(paused('io-error')).toEqual(['resume', 'forceOff'])
    expect(paused('guest-panic')).toEqual(['reboot', 'forceOff'])
  })
  it('offers nothing but Delete to a broken VM', () => {
    expect(powerActionsFor({ state: 'stopped', broken: 'bad json', pause: null })).toEqual([])
    expect(canDelete({ state: 'stopped', broken: 'bad json' })).toBe(true)
  })
  it('does not delete a running VM', () => {
    expect(canDelete({ state: 'running', broken: null })).toBe(false)
  })
})
