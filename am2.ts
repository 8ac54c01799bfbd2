import { readFileSync } from 'node:fs';
import { buildStackModel } from './model/build';
const s = process.argv[2] ?? 'telemetry-prod-eu-central-1';
const dir = `cdktf.out/stacks/${s}`; const tf = JSON.parse(readFileSync(`${dir}/cdk.tf.json`, 'utf8')); const facts = JSON.parse(readFileSync(`${dir}/deployment.json`, 'utf8'));
const t = Date.now(); const m = buildStackModel(tf, facts).access; console.log(s, Date.now() - t, 'ms', m.cells.length);
for (const c of m.cells) if (!['account-principal'].includes(c.principal)) console.log(c.principal.padEnd(50), c.request.padEnd(14), c.target.padEnd(60), c.level, c.actions.join(','), c.conditionKeys.join(','));
