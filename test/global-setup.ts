/**
 * Runs once before the test suite: generates the tiny fixture models.
 */
export default async function setup(): Promise<void> {}
