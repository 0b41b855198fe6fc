import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { precompressDir } from "./precompress";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("precompressDir", () => {
  it("writes .gz and .br beside each text asset worth it (nested too), each decoding to the file; skips images and tiny files", () => {
    dir = mkdtempSync(join(tmpdir(), "mc-precompress-"));
    mkdirSync(join(dir, "assets"));
    const js = Buffer.from("export const greeting = 'Xin chào';\n".repeat(200));
    writeFileSync(join(dir, "assets", "index.abc.js"), js);
    writeFileSync(join(dir, "index.html"), "<!doctype html>" + "<p>Trang chủ</p>".repeat(100));
    writeFileSync(join(dir, "assets", "tiny.js"), "export {};");
    writeFileSync(join(dir, "assets", "logo.png"), Buffer.alloc(4096, 7));

    const done = precompressDir(dir);
    expect(done.map((f) => f.slice(dir.length + 1)).sort()).toEqual(["assets/index.abc.js", "index.html"]);
    const gz = readFileSync(join(dir, "assets", "index.abc.js.gz"));
    const br = readFileSync(join(dir, "assets", "index.abc.js.br"));
    expect(gunzipSync(gz).equals(js)).toBe(true);
    expect(brotliDecompressSync(br).equals(js)).toBe(true);
    expect(br.length).toBeLessThan(js.length / 10);
    expect(existsSync(join(dir, "index.html.br"))).toBe(true);
    for (const f of ["assets/tiny.js.gz", "assets/tiny.js.br", "assets/logo.png.gz", "assets/logo.png.br"]) expect(existsSync(join(dir, f)), f).toBe(false);
  });
});
