/**
 * The simulated Asterisk: a development tool that lets voxstate (and users' own test suites) run
 * phone calls without a PBX. See {@link SimulatedAsterisk}.
 *
 * @module
 */

export type { TimelineEvent, TimelineKind, Turn } from './call-recording.js';
export { CallRecording } from './call-recording.js';
export type { RenderedCallee } from './callee-audio.js';
export { renderCallee } from './callee-audio.js';
export type {
  AgentCalleeOptions,
  PersonCalleeOptions,
  VoicemailCalleeOptions,
} from './callees.js';
export {
  agentCallee,
  beepTone,
  personCallee,
  VOICEMAIL_GREETING,
  voicemailCallee,
} from './callees.js';
export type { BargeInCaseKind, CallerCaseOptions } from './caller-cases.js';
export {
  backchannelCaller,
  coughingCaller,
  echoingCaller,
  interruptingCaller,
  synthesizeBackchannel,
} from './caller-cases.js';
export type { CallerScript, CallerStep, ScriptUtterance } from './caller-script.js';
export { CallerScriptRunner, noiseBurst, toneAudio } from './caller-script.js';
export type { ScriptedCallResult, ScriptedCallsOptions } from './run-calls.js';
export { runScriptedCalls } from './run-calls.js';
export { synthesizeScript } from './script-audio.js';
export { parseCallerScript } from './script-file.js';
export type { DialplanAction, DialplanRule, InboundCall } from './sim-dialplan.js';
export { roundRobin } from './sim-dialplan.js';
export type {
  CalleeBehavior,
  PlaceCallOptions,
  SimCall,
  SimDialReport,
  SimFaults,
  SimulatedAsteriskOptions,
  SimulatorEvents,
} from './simulated-asterisk.js';
export { SimulatedAsterisk } from './simulated-asterisk.js';
export { withNoise } from './sounds.js';
