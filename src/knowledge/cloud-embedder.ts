/**
 * The cloud embedder described by the knowledge configuration, if any.
 *
 * @module
 */
import type { Embedder } from '../providers/embeddings/embedder.js';
import { OpenAiEmbedder } from '../providers/embeddings/openai-embedder.js';
import type { KnowledgeConfig } from './config.js';

/** An OpenAI-compatible embedder for `config.cloud`, or undefined when none is configured. */
export function cloudEmbedderFromConfig(config: KnowledgeConfig): Embedder | undefined {
  const c = config.cloud;
  if (!c) return undefined;
  return new OpenAiEmbedder({
    model: c.model,
    dimensions: c.dimensions,
    apiKey: c.apiKey,
    ...(c.baseURL ? { baseURL: c.baseURL } : {}),
    requestDimensions: c.requestDimensions,
    timeoutMs: c.timeoutMs,
  });
}
