import { createEspeakEngine } from '/work/wt/p3-sim-amd/src/providers/tts/espeak.js';
import { renderCallee } from '/work/wt/p3-sim-amd/src/simulator/callee-audio.js';
import { personCallee, voicemailCallee } from '/work/wt/p3-sim-amd/src/simulator/callees.js';
import { AnsweringMachineDetector, BeepDetector, MessagePointDetector } from '/work/wt/p3-sim-amd/src/media/amd/index.js';
const tts = createEspeakEngine();
const cases = {
  person: personCallee(),
  person2: personCallee({ greeting: 'Hello, this is Sam.' }),
  person3: personCallee({ greeting: 'Yes?' }),
  vmBeep: voicemailCallee({ beep: true }),
  vmNoBeep: voicemailCallee({ beep: false }),
  vmShort: voicemailCallee({ beep: true, greeting: 'Please leave a message.' }),
};
for (const [name, b] of Object.entries(cases)) {
  const r = await renderCallee(b, tts, 16000);
  const amd = new AnsweringMachineDetector();
  const beeps = new BeepDetector();
  let res; const found = [];
  for (let i = 0; i + 320 <= r.samples.length; i += 320) {
    const f = r.samples.subarray(i, i + 320);
    res ??= amd.push(f);
    const b2 = beeps.push(f); if (b2) found.push(b2);
  }
  console.log(name, JSON.stringify(res), 'beeps', JSON.stringify(found), 'truth', r.beepAtMs, JSON.stringify(r.speech));
}
await tts.close();
