import { seedCrm } from "./crm-seed";
const n = Number(process.env.N ?? 20000);
const t = Date.now();
const m = await seedCrm(process.env.P ?? "/tmp/crm-try/crm.db", { customers: n, events: n * 10, log: console.log });
console.log(JSON.stringify({ ...m, heavy: m.heavy.slice(0, 5) }, null, 1), (Date.now() - t) / 1000);
