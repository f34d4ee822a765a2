/**
 * Runs once before the test suite: generates the tiny fixture models (a no-op when they exist).
 */
import { ensureTinyModels } from './fixtures/tiny-models.js';

export default async function setup(): Promise<void> {
  await ensureTinyModels();
}
