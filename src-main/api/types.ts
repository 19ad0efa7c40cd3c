/**
 * The data the API carries: plain, serialisable types shared by every front end. The core
 * declares them (src-main/core/types.ts) and this file re-exports them; it holds types only
 * (no Node, no DOM), so the renderer may import it.
 */
import type {
  AccelChoice,
  DiskBus,
  DiskFormat,
  Firmware,
  NicModel,
  PortForward,
  VmConfig,
} from '../core/vms/config'
import type { PauseRecord, StopRecord, VmState } from '../core/vms/vm-state'
import type { ErrorCode, ErrorInfo } from '../core/errors'

export type { AccelChoice, DiskBus, DiskFormat, Firmware, NicModel, PortForward, VmConfig, VmState, StopRecord, PauseRecord, ErrorCode, ErrorInfo }
export type { Message, MessageKey, MessageParam } from '../core/errors'

export type { CheckStatus, HostCheckItem } from '../core/host/types'
export type { VmRef } from '../core/requests'
export type {
  BrowseResult,
  ConnectionInfo,
  ConsoleEndpoint,
  DeleteResult,
  DiskDetails,
  FileEntry,
  HostReport,
  IsoInspection,
  JobProgress,
  LogTail,
  OsHardware,
  OsInfo,
  Screenshot,
  VmDetails,
  VmPreview,
  VmSnapshot,
  VmStats,
  VmSummary,
} from '../core/types'
export type { SettingKey, SettingOverride, SettingsChanges, SettingsInfo, SettingsValues } from '../core/settings-types'
