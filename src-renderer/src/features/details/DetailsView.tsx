import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { toErrorInfo } from '../../api/api-error'
import { api } from '../../api/client'
import type { ErrorInfo, VmDetails } from '../../api/types'
import { navigate } from '../../app/route-store'
import { CommandLine } from '../../ui/CommandLine'
import { LaunchProblems } from '../../ui/LaunchProblems'
import { ErrorNote } from '../../ui/ErrorNote'
import { formatBytes } from '../../ui/format'
import { Icon } from '../../ui/icons'
import { isOn, useVms } from '../vm-list/vms-store'
import { useConnections } from '../connections/connections-store'
import { StateBadge, StateNote } from '../vm-list/VmStatus'
import { CloneDialog } from './CloneDialog'
import { DisksEditor } from './DisksEditor'
import { HardwareEditor } from './HardwareEditor'
import { LogViewer } from './LogViewer'
import { MigrateDialog } from './MigrateDialog'
import { SnapshotsPanel } from './SnapshotsPanel'
import './details.css'
import type { VmRef } from '../../api/types'
import { vmKey } from '../../api/vm-ref'

/**
 * One VM in full: its hardware (editable while stopped), snapshots, command line and logs;
 * Clone… while it is stopped (and, for a libvirt domain, Migrate… to another connection).
 */
export function DetailsView({ connection, id }: VmRef) {
  const { t, i18n } = useTranslation()
  const summary = useVms((s) => s.vms[vmKey({ connection, id })])
  const [vm, setVm] = useState<VmDetails | null>(null)
  const [error, setError] = useState<ErrorInfo | null>(null)
  const [cloning, setCloning] = useState(false)
  const [migrating, setMigrating] = useState(false)
  // A libvirt domain: no settings form (memory and vCPUs only, by the API) and no logs yet (design.md).
  const libvirt = useConnections((s) => s.connections.find((c) => c.id === connection)?.kind === 'libvirt')

  useEffect(() => {
    if (useConnections.getState().connections.length === 0) void useConnections.getState().load()
  }, [])
  // Reload the details whenever the VM's summary changes (state, config, media).
  useEffect(() => {
    let cancelled = false
    api.call('getVm', { connection, id }).then(
      (details) => !cancelled && (setVm(details), setError(null)),
      (e: unknown) => !cancelled && setError(toErrorInfo(e)),
    )
    return () => {
      cancelled = true
    }
  }, [connection, id, summary])

  const shown = summary ?? vm
  return (
    <section className="details" aria-labelledby="details-title">
      <div className="details-bar">
        <button type="button" className="small plain" onClick={() => navigate({ name: 'list' })}>
          <Icon name="back" />
          {t('common.allVms')}
        </button>
        <h1 id="details-title" className="screen-title" tabIndex={-1}>
          {shown?.name ?? t('common.loading')}
        </h1>
        {shown != null && <StateBadge vm={shown} />}
        {shown != null && shown.broken === null && (
          <button type="button" className="small" onClick={() => navigate({ name: 'console', connection, id })}>
            <Icon name="screen" />
            {t('actions.console')}
          </button>
        )}
        {summary !== undefined && summary.broken === null && !isOn(summary.state) && (
          <button type="button" className="small" onClick={() => setCloning(true)}>
            <Icon name="copy" />
            {t('actions.clone')}
          </button>
        )}
        {summary !== undefined && !isOn(summary.state) && libvirt && (
          <button type="button" className="small" onClick={() => setMigrating(true)}>
            {t('actions.migrate')}
          </button>
        )}
      </div>
      {cloning && summary !== undefined && (
        <CloneDialog vm={summary} onClose={() => setCloning(false)} />
      )}
      {migrating && summary !== undefined && <MigrateDialog vm={summary} onClose={() => setMigrating(false)} />}
      {error !== null && <ErrorNote error={error} />}
      {shown != null && <StateNote vm={shown} />}
      {shown != null && shown.helpersDown.length > 0 && (
        <p className="muted" role="status">
          {t('details.helperDown', { helpers: shown.helpersDown.join(', ') })}
        </p>
      )}
      {vm !== null && (
        <>
          <dl className="summary details-facts">
            <dt>{t('details.os')}</dt>
            <dd>{vm.os?.name ?? t('list.unknownOs')}</dd>
            <dt>{t('details.accel')}</dt>
            <dd>
              {vm.accelInUse !== null
                ? t(`accel.${vm.accelInUse}`)
                : t(`details.accelChoice.${vm.accel}`)}
            </dd>
            {vm.guestAgent !== undefined && (
              <>
                <dt>{t('details.guestAgent')}</dt>
                <dd>
                  {vm.guestAgent.connected
                    ? t('details.guestAgentConnected', { os: vm.guestAgent.os ?? t('list.unknownOs') })
                    : t('details.guestAgentNone')}
                </dd>
                {vm.guestAgent.connected && (
                  <>
                    <dt>{t('details.ipAddresses')}</dt>
                    <dd className="mono-soft">
                      {vm.guestAgent.ipAddresses.length > 0 ? vm.guestAgent.ipAddresses.join(', ') : t('details.noIpAddresses')}
                    </dd>
                  </>
                )}
              </>
            )}
            <dt>{t('details.folder')}</dt>
            <dd className="mono-soft">{vm.dir}</dd>
            {vm.disks.map((disk, index) => (
              <DiskFact key={disk.path} index={index} disk={disk} language={i18n.language} />
            ))}
          </dl>
          {libvirt && <p className="muted">{t('connections.libvirtNotYet')}</p>}
          {!libvirt && <HardwareEditor vm={vm} onSaved={setVm} />}
          {!libvirt && <DisksEditor vm={vm} onSaved={setVm} />}
          {summary !== undefined && summary.broken === null && <SnapshotsPanel key={vmKey(summary)} vm={summary} />}
          {vm.launchProblems.length > 0 && (
            <LaunchProblems title={t('details.cannotStart')} problems={vm.launchProblems} />
          )}
          {vm.argv !== null && (
            <section className="argv" aria-labelledby="argv-title">
              <h2 id="argv-title" className="section-title">
                {t('details.commandLine')}
              </h2>
              <CommandLine argv={vm.argv} label={t('details.commandLineLabel')} />
            </section>
          )}
          {!libvirt && <LogViewer vm={{ connection, id }} live={isOn(vm.state)} />}
        </>
      )}
    </section>
  )
}

function DiskFact({
  index,
  disk,
  language,
}: {
  index: number
  disk: VmDetails['disks'][number]
  language: string
}) {
  const { t } = useTranslation()
  return (
    <>
      <dt>{t('details.disk', { n: index + 1 })}</dt>
      <dd>
        <span className="mono-soft">{disk.path}</span>
        <span className="muted">
          {' '}
          — {disk.format}, {disk.bus}
          {disk.virtualBytes !== null &&
            `, ${t('details.diskSize', {
              size: formatBytes(disk.virtualBytes, language),
              used: formatBytes(disk.actualBytes ?? 0, language),
            })}`}
        </span>
      </dd>
    </>
  )
}
