import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildDomainXml } from '../src-main/core/libvirt/domain-xml'
import { libvirtUnavailable, removeDomain, removePool, SYSTEM, usePool, virshTest } from '../src-main/core/libvirt/testing/libvirt-test-support'
import { testIsoPath } from '../src-main/core/testing/test-iso'
import { vmConfigSchema } from '../src-main/core/vms/config'
import { expect, test, useVireoHost } from './pages/fixtures'

// Connections in the UI: a libvirt URI added from the list, its VMs grouped under it with its
// state, a URI that cannot be used refused in words, and the connection removed again.
useVireoHost()
const work = mkdtempSync(join(tmpdir(), 'vireo-e2e-connections-'))
const domain = `vireo-e2e-${randomUUID().slice(0, 8)}`
const made: string[] = []
let madePool = false

test.beforeAll(async () => {
  const why = await libvirtUnavailable()
  test.skip(why !== null, why ?? '')
  madePool = await usePool('default', '/var/lib/libvirt/images')
  const config = vmConfigSchema.parse({ version: 1, id: 'abcdefgh', name: domain, memoryMiB: 64, cpus: 1, disks: [], cdrom: null, network: { mode: 'none' }, createdAt: new Date().toISOString() })
  const file = join(work, 'domain.xml')
  writeFileSync(file, buildDomainXml(config, { type: 'qemu', uuid: randomUUID(), diskPaths: [], network: null }))
  await virshTest('define', file)
})

test.afterAll(async () => {
  await removeDomain(domain)
  for (const name of made) await removeDomain(name)
  if (madePool) await removePool('default')
  rmSync(work, { recursive: true, force: true })
})

test('adds qemu:///system, lists its domains under it, shows one, refuses a bad URI, removes it', async ({ app, page }) => {
  await app.open()
  const uri = page.getByLabel('Add a libvirt connection')
  await uri.fill('qemu+tcp://host/system')
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(page.getByRole('alert')).toContainText('transport “tcp” is not supported')

  await uri.fill(SYSTEM)
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  const list = page.getByRole('region', { name: 'Virtual machines' })
  const group = list.getByRole('region', { name: SYSTEM })
  await expect(list.getByRole('region', { name: 'This computer' })).toBeVisible()
  await expect(group).toContainText('connected')
  const card = group.getByRole('listitem').filter({ hasText: domain })
  await expect(card).toBeVisible()

  // Its details: snapshots and Migrate…, and a sentence instead of a settings form and logs.
  await card.getByRole('button', { name: 'Details' }).click()
  await expect(page.getByText('On a libvirt connection, Vireo shows no settings form and no logs yet')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Migrate…' })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Snapshots' })).toBeVisible()
  await page.goBack()

  page.once('dialog', (dialog) => void dialog.accept())
  await group.getByRole('button', { name: `Remove the connection ${SYSTEM}` }).click()
  await expect(group).toBeHidden()
  await expect(page.getByText(domain)).toBeHidden()
})

test('the wizard makes a VM on qemu:///system when that connection is picked: virsh lists it, running', async ({ app, page }) => {
  test.setTimeout(180_000)
  const names = async () => (await virshTest('list', '--all', '--name')).split('\n').map((n) => n.trim())
  const before = new Set(await names())
  await app.open()
  await page.getByLabel('Add a libvirt connection').fill(SYSTEM)
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(page.getByRole('region', { name: SYSTEM })).toContainText('connected')
  await app.newVmButton.click()
  await app.wizard.chooseIso(testIsoPath())
  await app.wizard.field('Connection').selectOption(SYSTEM)
  await app.wizard.createAndStart()
  const isNew = (n: string) => n !== '' && !before.has(n) && n.startsWith('Vireo test OS')
  await expect.poll(async () => (await names()).filter(isNew).length, { timeout: 60_000 }).toBe(1)
  const name = (await names()).find(isNew)!
  made.push(name)
  await expect.poll(async () => (await virshTest('domstate', name)).trim(), { timeout: 60_000 }).toBe('running')
  expect(await virshTest('domblklist', name)).toContain(testIsoPath())
})
