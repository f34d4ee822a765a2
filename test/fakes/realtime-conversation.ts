/**
 * One connection of the fake OpenAI Realtime server: the GA protocol state machine behind
 * {@link startFakeRealtimeServer}. It keeps the session configuration (`session.update` ->
 * `session.updated`), an input audio buffer with an energy-based server VAD (speech started,
 * stopped, committed), the conversation items, and one response at a time whose audio is a tone
 * as long as its text, streamed as `response.output_audio.delta` with transcript deltas beside
 * it. What the caller "said" comes from the scripted caller lines, one per detected utterance.
 */
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import type { WebSocket } from 'ws';
import type { RealtimeFixtureOptions } from './openai-realtime-server.js';

/** Sample rate of the fixture's `audio/pcm`. */
export const FIXTURE_RATE = 24_000;
const WINDOW = FIXTURE_RATE / 50;

type Json = Record<string, unknown>;

/** An item of the fixture's conversation. */
export interface FixtureItem {
  id: string;
  type: 'message' | 'function_call' | 'function_call_output';
  role?: 'user' | 'assistant';
  text?: string;
  /** Audio the server sent for this item, ms. */
  audioMs: number;
  truncatedAtMs?: number;
  callId?: string;
  name?: string;
  output?: string;
}

interface ActiveResponse {
  id: string;
  cancelled: boolean;
  reason?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The tone the fixture speaks for `text`. */
export function fixtureSpeech(text: string, msPerChar: number): Int16Array {
  const samples = Math.max(WINDOW, Math.round((text.length * msPerChar * FIXTURE_RATE) / 1000));
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) {
    out[i] = Math.round(6000 * Math.sin((2 * Math.PI * 330 * i) / FIXTURE_RATE));
  }
  return out;
}

/** The protocol state of one WebSocket connection. */
export class RealtimeConversation {
  readonly session: Json;
  readonly items: FixtureItem[] = [];
  readonly received: RealtimeClientEvent[] = [];
  responses = 0;
  readonly #ws: WebSocket;
  readonly #options: RealtimeFixtureOptions;
  #nextId = 1;
  #active: ActiveResponse | undefined;
  #inSpeech = false;
  #silenceMs = 0;
  #bufferMs = 0;
  #positionMs = 0;
  #speechItem = '';
  #window: number[] = [];
  #callerAudioMs = 0;
  #unanswered: string | undefined;
  #resume: (() => void) | undefined;
  #cause: string | undefined;

  constructor(ws: WebSocket, model: string, options: RealtimeFixtureOptions) {
    this.#ws = ws;
    this.#options = options;
    this.session = {
      type: 'realtime',
      object: 'realtime.session',
      id: this.#id('sess'),
      model,
      output_modalities: ['audio'],
      instructions: 'You are a helpful assistant.',
      tools: [],
      tool_choice: 'auto',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: FIXTURE_RATE },
          transcription: null,
          turn_detection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 200,
            create_response: true,
            interrupt_response: true,
          },
        },
        output: { format: { type: 'audio/pcm', rate: FIXTURE_RATE }, voice: 'alloy', speed: 1 },
      },
    };
  }

  #id(prefix: string): string {
    return `${prefix}_${String(this.#nextId++).padStart(4, '0')}`;
  }

  send(event: Json): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    this.#ws.send(JSON.stringify({ event_id: this.#id('event'), ...event }));
  }

  #error(code: string, message: string, type = 'invalid_request_error', eventId?: string): void {
    this.send({
      type: 'error',
      error: { type, code, message, param: null, event_id: eventId ?? this.#cause ?? null },
    });
  }

  /** Lets a response held by `pauseAfterChunks` go on. */
  resume(): void {
    this.#resume?.();
  }

  #input(): Json {
    return (this.session.audio as { input: Json }).input;
  }

  #turnDetection(): Json | null {
    return (this.#input().turn_detection as Json | null | undefined) ?? null;
  }

  handle(event: RealtimeClientEvent): void {
    this.received.push(event);
    this.#cause = event.event_id;
    switch (event.type) {
      case 'session.update':
        this.#update(event.session as unknown as Json, event.event_id);
        break;
      case 'input_audio_buffer.append':
        this.#append(event.audio);
        break;
      case 'input_audio_buffer.commit':
        if (this.#bufferMs === 0)
          this.#error('input_audio_buffer_commit_empty', 'buffer too small');
        else this.#commit(this.#id('item'));
        break;
      case 'input_audio_buffer.clear':
        this.#bufferMs = 0;
        this.send({ type: 'input_audio_buffer.cleared' });
        break;
      case 'conversation.item.create':
        this.#createItem(event.item as unknown as Json);
        break;
      case 'conversation.item.truncate':
        this.#truncate(event.item_id, event.content_index, event.audio_end_ms);
        break;
      case 'response.create':
        this.#startResponse();
        break;
      case 'response.cancel':
        if (this.#active) this.#cancel('client_cancelled');
        else
          this.#error(
            'response_cancel_not_active',
            'Cancellation failed: no active response found',
          );
        break;
      default:
        this.#error('unknown_event', `fixture does not handle ${event.type}`);
    }
  }

  #update(patch: Json, eventId: string | undefined): void {
    if (patch.type !== 'realtime') {
      this.#error(
        'missing_required_parameter',
        "session.type must be 'realtime'",
        undefined,
        eventId,
      );
      return;
    }
    const audio = (patch.audio ?? {}) as { input?: Json; output?: Json };
    const current = this.session.audio as { input: Json; output: Json };
    Object.assign(this.session, patch, {
      audio: {
        input: { ...current.input, ...audio.input },
        output: { ...current.output, ...audio.output },
      },
    });
    this.send({ type: 'session.updated', session: this.session });
  }

  #append(base64: string): void {
    const bytes = Buffer.from(base64, 'base64');
    const td = this.#turnDetection();
    const threshold = this.#options.speechRms ?? 500;
    const silenceNeeded = Number(td?.silence_duration_ms ?? 500);
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      this.#window.push(bytes.readInt16LE(i));
      if (this.#window.length < WINDOW) continue;
      const rms = Math.sqrt(this.#window.reduce((s, v) => s + v * v, 0) / WINDOW);
      this.#window = [];
      this.#positionMs += 20;
      this.#bufferMs += 20;
      if (!td) continue;
      if (!this.#inSpeech && rms >= threshold) {
        this.#inSpeech = true;
        this.#silenceMs = 0;
        this.#speechItem = this.#id('item');
        this.send({
          type: 'input_audio_buffer.speech_started',
          audio_start_ms: this.#positionMs - 20,
          item_id: this.#speechItem,
        });
        if (this.#active && td.interrupt_response !== false) this.#cancel('turn_detected');
      } else if (this.#inSpeech) {
        this.#silenceMs = rms < threshold ? this.#silenceMs + 20 : 0;
        if (this.#silenceMs >= silenceNeeded) {
          this.#inSpeech = false;
          this.send({
            type: 'input_audio_buffer.speech_stopped',
            audio_end_ms: this.#positionMs,
            item_id: this.#speechItem,
          });
          this.#commit(this.#speechItem);
          if (td.create_response !== false) this.#startResponse();
        }
      }
    }
  }

  #commit(itemId: string): void {
    const previous = this.items.at(-1)?.id ?? null;
    this.#callerAudioMs += this.#bufferMs;
    const seconds = this.#bufferMs / 1000;
    this.#bufferMs = 0;
    const text = this.#options.caller?.shift() ?? '';
    this.#unanswered = text;
    this.items.push({ id: itemId, type: 'message', role: 'user', text, audioMs: 0 });
    this.send({
      type: 'input_audio_buffer.committed',
      item_id: itemId,
      previous_item_id: previous,
    });
    this.send({
      type: 'conversation.item.created',
      previous_item_id: previous,
      item: {
        id: itemId,
        object: 'realtime.item',
        type: 'message',
        role: 'user',
        status: 'completed',
        content: [{ type: 'input_audio', transcript: null }],
      },
    });
    if (this.#input().transcription) {
      this.send({
        type: 'conversation.item.input_audio_transcription.completed',
        item_id: itemId,
        content_index: 0,
        transcript: text,
        usage: { type: 'duration', seconds },
      });
    }
  }

  #createItem(item: Json): void {
    const id = typeof item.id === 'string' ? item.id : this.#id('item');
    if (item.type === 'function_call_output') {
      const call = this.items.find((i) => i.type === 'function_call' && i.callId === item.call_id);
      if (!call) {
        this.#error('invalid_value', `no function call with call_id ${String(item.call_id)}`);
        return;
      }
      this.items.push({
        id,
        type: 'function_call_output',
        callId: String(item.call_id),
        name: call.name ?? '',
        output: String(item.output ?? ''),
        audioMs: 0,
      });
    } else {
      this.items.push({
        id,
        type: 'message',
        role: 'user',
        text: JSON.stringify(item.content),
        audioMs: 0,
      });
    }
    this.send({
      type: 'conversation.item.created',
      item: { ...item, id, object: 'realtime.item' },
    });
  }

  #truncate(itemId: string, contentIndex: number, audioEndMs: number): void {
    const item = this.items.find((i) => i.id === itemId);
    if (item?.role !== 'assistant') {
      this.#error('invalid_value', `Conversation item with id '${itemId}' not found`);
      return;
    }
    if (audioEndMs > item.audioMs) {
      this.#error(
        'invalid_value',
        `Audio content of ${item.audioMs}ms is already shorter than ${audioEndMs}ms`,
      );
      return;
    }
    item.truncatedAtMs = audioEndMs;
    this.send({
      type: 'conversation.item.truncated',
      item_id: itemId,
      content_index: contentIndex,
      audio_end_ms: audioEndMs,
    });
  }

  #cancel(reason: string): void {
    if (!this.#active) return;
    this.#active.cancelled = true;
    this.#active.reason = reason;
    this.resume();
  }

  #startResponse(): void {
    if (this.#active) {
      this.#error(
        'conversation_already_has_active_response',
        `Conversation already has an active response in progress: ${this.#active.id}`,
      );
      return;
    }
    this.responses += 1;
    const failure = this.#options.failure;
    if (
      (failure?.kind === 'error' || failure?.kind === 'drop') &&
      this.responses > failure.afterResponses
    ) {
      if (failure.kind === 'drop') {
        this.#ws.terminate();
        return;
      }
      this.#error(
        'server_error',
        'The server had an error while processing your request.',
        'server_error',
      );
      this.#ws.close(1011, 'server error');
      return;
    }
    const active: ActiveResponse = { id: this.#id('resp'), cancelled: false };
    this.#active = active;
    this.send({
      type: 'response.created',
      response: { id: active.id, object: 'realtime.response', status: 'in_progress', output: [] },
    });
    this.#produce(active).catch(() => this.#ws.terminate());
  }

  async #produce(active: ActiveResponse): Promise<void> {
    const o = this.#options;
    const latency =
      typeof o.responseLatencyMs === 'function'
        ? o.responseLatencyMs(String(this.session.instructions ?? '').length)
        : o.responseLatencyMs;
    if (latency) await sleep(latency);
    const lastOutput = this.items.at(-1);
    const reply =
      lastOutput?.type === 'function_call_output'
        ? {
            say: (o.afterTool ?? ((_n, out) => `Here is what I found. ${out}`))(
              lastOutput.name ?? '',
              lastOutput.output ?? '',
            ),
          }
        : (o.reply ?? defaultReply)(this.#unanswered, this.responses);
    this.#unanswered = undefined;
    const item: FixtureItem =
      'say' in reply
        ? { id: this.#id('item'), type: 'message', role: 'assistant', text: reply.say, audioMs: 0 }
        : {
            id: this.#id('item'),
            type: 'function_call',
            callId: this.#id('call'),
            name: reply.tool,
            output: JSON.stringify(reply.args),
            audioMs: 0,
          };
    this.items.push(item);
    const base = { response_id: active.id, output_index: 0 };
    let wire: Json;
    if (item.type === 'function_call') {
      wire = {
        id: item.id,
        object: 'realtime.item',
        type: 'function_call',
        status: 'completed',
        call_id: item.callId,
        name: item.name,
        arguments: item.output,
      };
      this.send({
        type: 'response.output_item.added',
        ...base,
        item: { ...wire, status: 'in_progress', arguments: '' },
      });
      const args = { ...base, item_id: item.id, call_id: item.callId };
      this.send({ type: 'response.function_call_arguments.delta', ...args, delta: item.output });
      this.send({
        type: 'response.function_call_arguments.done',
        ...args,
        name: item.name,
        arguments: item.output,
      });
      this.send({ type: 'response.output_item.done', ...base, item: wire });
    } else {
      wire = await this.#speak(active, item, base);
    }
    this.#active = undefined;
    const text = item.text ?? '';
    this.send({
      type: 'response.done',
      response: {
        id: active.id,
        object: 'realtime.response',
        status: active.cancelled ? 'cancelled' : 'completed',
        status_details: active.cancelled ? { type: 'cancelled', reason: active.reason } : null,
        output: [wire],
        usage: this.#usage(item.type === 'function_call' ? 0 : item.audioMs, text),
      },
    });
    if (o.rateLimits !== false) {
      this.send({
        type: 'rate_limits.updated',
        rate_limits: [
          { name: 'requests', limit: 1000, remaining: 1000 - this.responses, reset_seconds: 60 },
          { name: 'tokens', limit: 100_000, remaining: 99_000, reset_seconds: 60 },
        ],
      });
    }
  }

  async #speak(active: ActiveResponse, item: FixtureItem, base: Json): Promise<Json> {
    const o = this.#options;
    const text = item.text ?? '';
    const ids = { ...base, item_id: item.id, content_index: 0 };
    const wire = { id: item.id, object: 'realtime.item', type: 'message', role: 'assistant' };
    this.send({
      type: 'response.output_item.added',
      ...base,
      item: { ...wire, status: 'in_progress', content: [] },
    });
    this.send({
      type: 'conversation.item.created',
      item: { ...wire, status: 'in_progress', content: [] },
    });
    this.send({
      type: 'response.content_part.added',
      ...ids,
      part: { type: 'audio', transcript: '' },
    });
    const pcm = fixtureSpeech(text, o.msPerChar ?? 50);
    const chunkSamples = Math.round(((o.audioChunkMs ?? 100) * FIXTURE_RATE) / 1000);
    const words = text.split(/(?<=\s)/);
    const chunks = Math.ceil(pcm.length / chunkSamples);
    let sentWords = 0;
    for (let c = 0; c < chunks && !active.cancelled; c++) {
      const part = pcm.subarray(c * chunkSamples, (c + 1) * chunkSamples);
      const bytes = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
      this.send({ type: 'response.output_audio.delta', ...ids, delta: bytes.toString('base64') });
      item.audioMs += (part.length * 1000) / FIXTURE_RATE;
      const wordsDue = Math.ceil(((c + 1) / chunks) * words.length);
      if (wordsDue > sentWords) {
        const delta = words.slice(sentWords, wordsDue).join('');
        sentWords = wordsDue;
        this.send({ type: 'response.output_audio_transcript.delta', ...ids, delta });
      }
      if (o.pauseAfterChunks !== undefined && c + 1 === o.pauseAfterChunks && !active.cancelled) {
        await new Promise<void>((resolve) => {
          this.#resume = resolve;
        });
        this.#resume = undefined;
      }
      if (o.chunkDelayMs) await sleep(o.chunkDelayMs);
    }
    item.audioMs = Math.round(item.audioMs);
    if (!active.cancelled) {
      this.send({ type: 'response.output_audio.done', ...ids });
      this.send({ type: 'response.output_audio_transcript.done', ...ids, transcript: text });
    }
    this.send({
      type: 'response.content_part.done',
      ...ids,
      part: { type: 'audio', transcript: text },
    });
    const done = {
      ...wire,
      status: active.cancelled ? 'incomplete' : 'completed',
      content: [{ type: 'output_audio', transcript: text }],
    };
    this.send({ type: 'response.output_item.done', ...base, item: done });
    return done;
  }

  #usage(audioOutMs: number, text: string): Json {
    const instructions = String(this.session.instructions ?? '');
    const toolText = this.items
      .filter((i) => i.type === 'function_call_output')
      .reduce((n, i) => n + (i.output?.length ?? 0), 0);
    const textIn = Math.ceil((instructions.length + toolText) / 4);
    const audioIn = Math.ceil(this.#callerAudioMs / 100);
    const audioOut = Math.ceil(audioOutMs / 50);
    const textOut = Math.ceil(text.length / 4);
    return {
      total_tokens: textIn + audioIn + audioOut + textOut,
      input_tokens: textIn + audioIn,
      output_tokens: audioOut + textOut,
      input_token_details: {
        text_tokens: textIn,
        audio_tokens: audioIn,
        image_tokens: 0,
        cached_tokens: 0,
        cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
      },
      output_token_details: { text_tokens: textOut, audio_tokens: audioOut },
    };
  }
}

function defaultReply(caller: string | undefined): { say: string } {
  return { say: caller ? `You said: ${caller}` : 'Hello! Thanks for calling. How can I help?' };
}
