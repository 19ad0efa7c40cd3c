import { readFile } from 'node:fs/promises'
import type { z } from 'zod'

/**
 * A record Vireo keeps for itself (a cache): the file's JSON as `schema` reads it, or null when
 * the file is missing, unreadable, not JSON or not of that shape. A bad record is never an
 * error: whoever keeps it asks again and writes it anew.
 */
export async function readJsonRecord<T>(file: string, schema: z.ZodType<T>): Promise<T | null> {
  const text = await readFile(file, 'utf8').catch(() => null)
  if (text === null) return null
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return null
  }
  const parsed = schema.safeParse(json)
  return parsed.success ? parsed.data : null
}
