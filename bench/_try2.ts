import { simulate } from "./crm-seed";
for (const [n, sc] of [[50000, 1], [50000, 2], [50000, 7.3], [200000, 7.3]] as const) {
  const t = Date.now();
  const s = simulate(null, { n, end: Date.now(), scale: sc, log: () => {}, full: 1_000_000 });
  console.log(n, sc, (s.events / n).toFixed(2), JSON.stringify(Object.fromEntries(Object.entries(s.items).map(([k, v]) => [k, +(v / n).toFixed(2)]))), (Date.now() - t) / 1000);
}
