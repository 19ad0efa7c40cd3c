import { freePort } from '../src-main/core/testing/free-port'
import { callApi } from './support/page-api'
import { testIsoPath } from '../src-main/core/testing/test-iso'
import { expect, test, useVireoHost } from './pages/fixtures'

useVireoHost()
const name = 'Détails 虚拟机 1'

test('a VM made through every wizard page, then edited in its details, keeps the edit after a reload', async ({
  app,
  page,
}) => {
  test.setTimeout(600_000)
  // The VM is started with this forward below: a port of its own, not one something may hold.
  const hostPort = await freePort()

  await test.step('every wizard page, with a Unicode name and the exact command line', async () => {
    await app.open('#/new')
    await app.wizard.chooseIso(testIsoPath())
    await app.wizard.button('Customize…').click()
    await app.wizard.field('Memory (MiB)').fill('320')
    await app.wizard.button('Next').click()

    // An empty name is reported at the field, in words.
    await app.wizard.field('Name').fill('')
    await app.wizard.button('Next').click()
    await expect(app.wizard.field('Name')).toHaveAccessibleDescription(/Give the VM a name/)
    await app.wizard.field('Name').fill(name)
    await app.wizard.button('Next').click()

    const commandLine = page.getByLabel('QEMU command line', { exact: true })
    await expect(commandLine).toContainText('qemu-system-x86_64')
    await expect(commandLine).toContainText(name)
    await app.wizard.button('Create and start').click()
    await expect(page).toHaveURL(/\/console$/, { timeout: 60_000 })
    await app.console.waitForPicture(name)
  })

  await test.step('force it off and edit memory, vCPUs, boot order and a port forward', async () => {
    await app.console.backToList()
    await app.list.forceOff(name)
    await expect(app.list.state(name)).toHaveText('Stopped', { timeout: 60_000 })
    await app.list.act(name, 'Details')
    await expect(app.details.field('Memory (MiB)')).toHaveValue('320')
    await app.details.field('Memory (MiB)').fill('384')
    await app.details.field('Virtual CPUs').fill('2')
    await app.details.field('Boot order').selectOption({ label: 'CD/DVD, then disk' })
    await app.details.addPortForward(hostPort, 22)
    await app.details.save()
  })

  await test.step('after a reload the edit is still there, and in the command line', async () => {
    await page.reload()
    await expect(app.details.field('Memory (MiB)')).toHaveValue('384')
    await expect(app.details.field('Virtual CPUs')).toHaveValue('2')
    await expect(app.details.field('Boot order')).toHaveValue('cdrom,disk')
    await expect(app.details.hardware.getByLabel('Host port of rule 1')).toHaveValue(
      String(hostPort),
    )
    await expect(app.details.commandLine).toContainText('384')
    await expect(app.details.commandLine).toContainText(`127.0.0.1:${hostPort}-:22`)
  })

  await test.step('a disk cannot shrink: the form says so at the field', async () => {
    await app.details.field('Disk size (GiB)').fill('0.1')
    await app.details.hardware.getByRole('button', { name: 'Save' }).click()
    await expect(app.details.field('Disk size (GiB)')).toHaveAccessibleDescription(/can only grow/)
  })

  await test.step('Clone… copies it under a new name (a taken one is refused at the field)', async () => {
    await page.reload()
    const original = page.url()
    const dialog = await app.details.openClone(name)
    const copyName = dialog.getByLabel('Name of the copy', { exact: true })
    await expect(copyName).toHaveValue(`${name} (clone)`)
    await copyName.fill(name.toUpperCase())
    await dialog.getByRole('button', { name: 'Clone', exact: true }).click()
    await expect(copyName).toHaveAccessibleDescription(/already exists/)
    await copyName.fill('Copie 1')
    await dialog.getByRole('button', { name: 'Clone', exact: true }).click()
    // The copy's own details: the edited hardware, its own folder.
    await expect(page.getByRole('heading', { name: 'Copie 1', level: 1 })).toBeVisible({
      timeout: 60_000,
    })
    expect(page.url()).not.toBe(original)
    await expect(app.details.field('Memory (MiB)')).toHaveValue('384')
    await expect(app.details.hardware.getByLabel('Host port of rule 1')).toHaveValue(
      String(hostPort),
    )
    await page.getByRole('button', { name: 'All VMs' }).click()
    await expect(app.list.state('Copie 1')).toHaveText('Stopped')
    await expect(app.list.state(name)).toHaveText('Stopped')
  })

  const panel = page.getByRole('region', { name: 'Snapshots' })
  const snapshotRow = (snapshot: string) =>
    panel
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: snapshot, exact: true }) })

  await test.step('a snapshot of the stopped VM is taken, a taken name refused at the field, reverted to', async () => {
    await app.list.act(name, 'Details')
    await expect(panel).toContainText('No snapshots yet')
    const newName = panel.getByLabel('New snapshot', { exact: true })
    await newName.fill('avant la mise à jour')
    await panel.getByRole('button', { name: 'Take snapshot' }).click()
    await expect(panel.getByRole('rowheader', { name: 'avant la mise à jour' })).toBeVisible()
    await expect(newName).toHaveValue('')
    await newName.fill('avant la mise à jour')
    await panel.getByRole('button', { name: 'Take snapshot' }).click()
    await expect(newName).toHaveAccessibleDescription(/already has a snapshot named/)

    await panel.getByRole('button', { name: 'Revert to “avant la mise à jour”' }).click()
    const revert = page.getByRole('dialog', { name: `Revert “${name}” to “avant la mise à jour”?` })
    await expect(revert).toContainText('Everything written since is lost')
    await revert.getByRole('button', { name: 'Revert' }).click()
    await expect(revert).toBeHidden()
    await expect(panel.getByRole('alert')).toHaveCount(0)

    await expect(snapshotRow('avant la mise à jour')).toContainText('Disks only')
  })

  await test.step('a running VM’s snapshot holds its memory; a disk-only one waits for shut down', async () => {
    // Without its installer CD it stays running (whatever its disk holds) for as long as this takes.
    const vm = (await callApi(page, 'listVms', {})).find((v) => v.name === name)!
    await callApi(page, 'updateVm', { id: vm.id, changes: { cdrom: null } })
    await page.getByRole('button', { name: 'All VMs' }).click()
    await app.list.act(name, 'Start')
    await expect(app.list.state(name)).toHaveText('Running', { timeout: 60_000 })
    await app.list.act(name, 'Details')
    const newName = panel.getByLabel('New snapshot', { exact: true })
    await newName.fill('en marche')
    await panel.getByRole('button', { name: 'Take snapshot' }).click()
    await expect(snapshotRow('en marche')).toContainText('Disks and memory', { timeout: 60_000 })
    await expect(panel).toContainText('can be gone back to once it is shut down')
    await expect(
      panel.getByRole('button', { name: 'Revert to “avant la mise à jour”' }),
    ).toBeDisabled()

    await panel.getByRole('button', { name: 'Revert to “en marche”' }).click()
    const revert = page.getByRole('dialog', { name: `Revert “${name}” to “en marche”?` })
    await expect(revert).toContainText('running as it was then')
    await revert.getByRole('button', { name: 'Revert' }).click()
    await expect(revert).toBeHidden()
    await expect(panel.getByRole('alert')).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Revert to “en marche”' })).toBeEnabled({
      timeout: 60_000,
    })

    for (const snapshot of ['en marche', 'avant la mise à jour']) {
      await panel.getByRole('button', { name: `Delete “${snapshot}”` }).click()
      await page
        .getByRole('dialog', { name: `Delete snapshot “${snapshot}”?` })
        .getByRole('button', { name: 'Delete' })
        .click()
      await expect(snapshotRow(snapshot)).toHaveCount(0, { timeout: 60_000 })
    }
    await expect(panel).toContainText('No snapshots yet')
    await page.getByRole('button', { name: 'All VMs' }).click()
    await app.list.forceOff(name)
    await expect(app.list.state(name)).toHaveText('Stopped', { timeout: 60_000 })
  })
})
