/**
 * Business data: the facts about the business the bot answers for (name, phone, address, hours,
 * languages, description, policies), and a loader that validates and normalizes a JSON file
 * such as `examples/knowledge-base/business.json`.
 *
 * The loader is lenient about shapes people write by hand (hours as a list of strings, as
 * `{days, open, close}` objects or as a day -> hours map; policies as a map or a list; localized
 * fields as a string or a language -> string map) and strict about what the prompts need.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { isLanguage, type Language } from '../text/language.js';

/** One policy the bot must know (returns, delivery, allergens...). */
export interface BusinessPolicy {
  topic: string;
  text: string;
}

/** Normalized business data, as the prompt builders use it. */
export interface BusinessData {
  /** Display name, e.g. `Sunny Crust Bakery`. */
  name: string;
  /** The name as spoken in other languages, when it differs. */
  names: Partial<Record<Language, string>>;
  /** What kind of business, e.g. `bakery`. */
  kind: string;
  /** Phone number callers can be given. */
  phone: string;
  address: string;
  /** The address as spoken in other languages, when given. */
  addresses: Partial<Record<Language, string>>;
  /** Opening hours, one line each, e.g. `Mon-Fri 07:00-19:00`. */
  hours: string[];
  /** Languages the bot speaks, first = default. */
  languages: Language[];
  /** One or two sentences about the business. */
  description: string;
  policies: BusinessPolicy[];
  /** When and where to hand the caller to a person. */
  handoff: { phone: string; rule: string };
  /** The bot's own name, if it introduces itself. */
  botName?: string;
  website?: string;
  email?: string;
  /** Static greetings per language; defaults are generated from the name. */
  greetings: Partial<Record<Language, string>>;
}

type Json = Record<string, unknown>;

/** A kind guessed from the name (`bakery`, `cafe`, `shop`), else `business`. */
function guessKind(name: string): string {
  const m = /\b(bakery|cafe|café|restaurant|shop|store|salon|clinic|pharmacy)\b/i.exec(name);
  return m ? m[1]!.toLowerCase() : 'business';
}

function fail(source: string, field: string, why: string): never {
  throw new ConfigError(`${source}: business data field "${field}" ${why}`);
}

function str(o: Json, field: string, source: string, required: boolean): string | undefined {
  const v = o[field];
  if (v === undefined || v === null) {
    if (required) fail(source, field, 'is required');
    return undefined;
  }
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (typeof v === 'object' && !Array.isArray(v)) {
    const m = v as Json;
    const first = m.en ?? Object.values(m)[0];
    if (typeof first === 'string' && first.trim()) return first.trim();
  }
  return fail(source, field, 'must be a non-empty string');
}

function localized(v: unknown): Partial<Record<Language, string>> {
  const out: Partial<Record<Language, string>> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, val] of Object.entries(v as Json)) {
      if (isLanguage(k) && typeof val === 'string' && val.trim()) out[k] = val.trim();
    }
  }
  return out;
}

const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** `["mon","tue","wed"]` -> `Mon-Wed`; other day lists joined with commas; strings kept. */
function daysOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v) || v.length === 0 || !v.every((d) => typeof d === 'string'))
    return undefined;
  const cap = (d: string) => d.charAt(0).toUpperCase() + d.slice(1);
  const idx = v.map((d) => WEEK.indexOf(d.toLowerCase().slice(0, 3)));
  const consecutive = idx.every((n, i) => n >= 0 && (i === 0 || n === idx[i - 1]! + 1));
  if (consecutive && v.length >= 3) return `${cap(v[0]!)}-${cap(v.at(-1)!)}`;
  return v.map(cap).join(', ');
}

function hoursOf(v: unknown, source: string): string[] {
  if (typeof v === 'string' && v.trim()) return [v.trim()];
  if (Array.isArray(v) && v.length > 0) {
    return v.map((h, i) => {
      if (typeof h === 'string' && h.trim()) return h.trim();
      if (h && typeof h === 'object') {
        const o = h as Json;
        const days = daysOf(o.days ?? o.day);
        if (o.closed === true && typeof days === 'string') return `${days} closed`;
        if (typeof days === 'string' && typeof o.open === 'string' && typeof o.close === 'string') {
          return `${days} ${o.open}-${o.close}`;
        }
      }
      return fail(source, `hours[${i}]`, 'must be a string or {days, open, close}');
    });
  }
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Json).filter(([, t]) => typeof t === 'string');
    if (entries.length > 0) return entries.map(([d, t]) => `${d} ${String(t)}`);
  }
  return fail(source, 'hours', 'is required (a list of lines or a day -> hours map)');
}

function policiesOf(v: unknown, source: string): BusinessPolicy[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) {
    return v.map((p, i) => {
      if (typeof p === 'string') return { topic: `policy ${i + 1}`, text: p };
      if (p && typeof p === 'object') {
        const o = p as Json;
        const topic = o.topic ?? o.title ?? o.name;
        const text = o.text ?? o.policy ?? o.description;
        if (typeof topic === 'string' && typeof text === 'string') return { topic, text };
      }
      return fail(source, `policies[${i}]`, 'must be a string or {topic, text}');
    });
  }
  if (typeof v === 'object') {
    return Object.entries(v as Json).map(([topic, text]) => {
      if (typeof text !== 'string') fail(source, `policies.${topic}`, 'must be a string');
      return { topic, text };
    });
  }
  return fail(source, 'policies', 'must be a list or a map');
}

/** `deliveryHours: {open, close, lastOrder}` as a policy line. */
function deliveryPolicy(v: unknown): BusinessPolicy[] {
  if (!v || typeof v !== 'object') return [];
  const o = v as Json;
  if (typeof o.open !== 'string' || typeof o.close !== 'string') return [];
  const last = typeof o.lastOrder === 'string' ? `; last same-day order at ${o.lastOrder}` : '';
  return [{ topic: 'delivery hours', text: `Deliveries run ${o.open}-${o.close}${last}.` }];
}

/**
 * Validates and normalizes raw business data.
 *
 * @throws ConfigError naming the bad field.
 */
export function parseBusinessData(raw: unknown, source = 'business data'): BusinessData {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${source}: business data must be a JSON object`);
  }
  const o = raw as Json;
  const name = str(o, 'name', source, true)!;
  const phone = str(o, 'phone', source, true)!;
  const langs = o.languages ?? ['en'];
  if (!Array.isArray(langs) || langs.length === 0 || !langs.every(isLanguage)) {
    fail(source, 'languages', 'must be a non-empty list of en, ru, uk, he');
  }
  const handoffRaw = (o.handoff ?? {}) as Json;
  const data: BusinessData = {
    name,
    names: localized(o.names ?? (typeof o.name === 'object' ? o.name : undefined)),
    kind: str(o, 'kind', source, false) ?? str(o, 'type', source, false) ?? guessKind(name),
    phone,
    address: str(o, 'address', source, true)!,
    addresses: localized(o.address),
    hours: hoursOf(o.hours, source),
    languages: langs as Language[],
    description: str(o, 'description', source, false) ?? `${name}.`,
    policies: [...policiesOf(o.policies, source), ...deliveryPolicy(o.deliveryHours)],
    handoff: {
      phone: (typeof handoffRaw.phone === 'string' && handoffRaw.phone) || phone,
      rule:
        (typeof handoffRaw.rule === 'string' && handoffRaw.rule) ||
        (typeof handoffRaw.when === 'string' && handoffRaw.when) ||
        'when the caller asks for a person, has a complaint, or wants something you cannot do',
    },
    greetings: localized(o.greetings ?? o.greeting),
  };
  const botName = str(o, 'botName', source, false);
  if (botName) data.botName = botName;
  const website = str(o, 'website', source, false);
  if (website) data.website = website;
  const email = str(o, 'email', source, false);
  if (email) data.email = email;
  return data;
}

/**
 * Reads, validates and normalizes a business data JSON file.
 *
 * @example
 * ```ts
 * const business = await loadBusinessData('examples/knowledge-base/business.json');
 * ```
 */
export async function loadBusinessData(path: string): Promise<BusinessData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read business data ${path}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON`, { cause: err });
  }
  return parseBusinessData(raw, path);
}

/** The address as spoken in `language`. */
export function businessAddress(business: BusinessData, language: Language): string {
  return business.addresses[language] ?? business.address;
}

/** The business name as spoken in `language`. */
export function businessName(business: BusinessData, language: Language): string {
  return business.names[language] ?? business.name;
}
