import { describe, expect, it } from "vitest";
import { personaLogin, type Stack } from "../support/stack";
import { shot, type BrowserSession } from "../support/browser";
import { withStackAndPhones } from "../support/suite";

type Link = { storeId: string; storeName: string; url: string };

/** Admin API for the setup, the way the admin console calls it. */
async function admin<T>(stack: Stack, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The query string of a signed deep link (`https://zalo.me/s/<appId>/?store=…&campaign=…&sig=…`): what getRouteParams() reads. */
const searchOf = (url: string) => new URL(url).search;

describe("in-store QR game: lucky wheel, follow-gated prize, bad links", () => {
  let stack: Stack;
  let s: BrowserSession;
  let voucherCampaignId: string;
  let links: Link[];

  withStackAndPhones({ phones: 1 }, async (st, [phone]) => {
    stack = st;
    s = phone!;
    const token = await stack.adminToken();
    const campaign = await admin<{ id: string }>(stack, token, "POST", "/api/admin/voucher-campaigns", {
      name: "Quà vòng quay: giảm 20.000đ",
      description: "Giải thưởng của vòng quay tại cửa hàng",
      kind: "amount_off",
      value: 20_000,
      validDaysAfterClaim: 30,
      listed: false,
    });
    voucherCampaignId = campaign.id;
    // The server draws with crypto randomness over the published weights: weight 100 against 0 makes the prize certain.
    const game = await admin<{ id: string }>(stack, token, "POST", "/api/admin/games", {
      name: "Vòng quay Mừng khai trương",
      description: "Quay là trúng, quà vào ví Zalo!",
      kind: "wheel",
      storeIds: ["q1-nguyen-hue", "q3-vo-van-tan"],
      playsPerDay: 1,
      prizes: [
        { label: "Voucher 20K", kind: "voucher", voucherCampaignId, weight: 100, stock: 50, requiresFollow: true },
        { label: "50 điểm", kind: "points", points: 50, weight: 0 },
        { label: "Chúc may mắn", kind: "none", weight: 0 },
        { label: "Trà đào", kind: "voucher", voucherCampaignId, weight: 0, stock: 10 },
        { label: "100 điểm", kind: "points", points: 100, weight: 0 },
        { label: "Thêm lượt", kind: "none", weight: 0 },
      ],
    });
    ({ links } = await admin<{ links: Link[] }>(stack, token, "GET", `/api/admin/games/${game.id}/qr-links`));
    expect(links.map((l) => l.storeId).sort()).toEqual(["q1-nguyen-hue", "q3-vo-van-tan"]);
  });

  it("opens from the QR link, spins to the server's prize, follows the OA and gets the voucher in the wallet", async () => {
    const { page } = s;
    const q1 = links.find((l) => l.storeId === "q1-nguyen-hue")!;

    // Cold start: the deep link's query string is what getRouteParams() returns.
    // The app opens straight on the game: no home (greeting, member card) is ever put on screen first.
    await page.context().addInitScript(() => {
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="home-hero"]')) (window as { __homeShown?: boolean }).__homeShown = true;
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${stack.webUrl}/${searchOf(q1.url)}`);
    await page.getByTestId("game-wheel").waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (window as { __homeShown?: boolean }).__homeShown ?? false)).toBe(false);
    expect(await page.getByTestId("game-store").textContent()).toContain("Nguyễn Huệ");
    expect(await page.getByTestId("game-odds").textContent()).toContain("Tỉ lệ trúng");
    expect(await page.getByTestId("game-odds-row").count()).toBe(6);
    expect(await page.getByTestId("game-odds-row").first().textContent()).toContain("100%");
    expect(await page.getByTestId("game-plays-left").textContent()).toContain("1");
    await shot(page, "game-wheel");

    // Spin: the server draws; the wheel animates (~3 s) to that slice, then the outcome shows.
    const play = page.waitForResponse((r) => r.url().endsWith("/api/games/play"));
    await page.getByTestId("game-play").click();
    const { draw } = (await (await play).json()) as { draw: { id: string; state: string; slice: { label: string } } };
    expect(draw.state).toBe("pending_follow");
    await expect.poll(() => page.getByTestId("game-wheel").getAttribute("data-spinning")).toBe("true");
    await page.getByTestId("game-outcome-follow").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("game-outcome-title").textContent()).toBe("Voucher 20K");
    expect(await page.getByTestId("game-follow").textContent()).toContain("Quan tâm OA để nhận quà");
    expect(await page.getByTestId("game-plays-left").textContent()).toContain("hết lượt");
    await page.waitForTimeout(2000); // let the confetti settle
    await shot(page, "game-prize-follow");

    // Follow: the emulator sends Zalo's signed follow webhook; the app polls the draw until the server issued it.
    await page.getByTestId("game-follow").click();
    await expect.poll(() => page.getByTestId("game-claimed").textContent(), { timeout: 15_000 }).toContain("Quà đã vào ví");
    await page.waitForTimeout(2000);
    await shot(page, "game-prize-claimed");

    // The voucher is in the shopper's wallet, from this prize.
    const shopper = await personaLogin(stack, "shopper");
    const res = await fetch(`${stack.apiUrl}/api/me/vouchers`, { headers: { authorization: `Bearer ${shopper.token}` } });
    const { vouchers } = (await res.json()) as { vouchers: { campaign: { id: string }; status: string; source: string }[] };
    const prize = vouchers.filter((v) => v.campaign.id === voucherCampaignId);
    expect(prize).toHaveLength(1);
    expect(prize[0]).toMatchObject({ status: "active", source: "prize" });

    // …and on the wallet screen the outcome links to.
    await page.getByTestId("game-open-wallet").click();
    await expect.poll(() => page.locator("body").textContent(), { timeout: 10_000 }).toContain("Quà vòng quay: giảm 20.000đ");

    // Warm start (another store's QR scanned while the app runs): the OpenApp path reopens the game there.
    const q3 = links.find((l) => l.storeId === "q3-vo-van-tan")!;
    await page.evaluate((path) => window.dispatchEvent(new CustomEvent("mc:open-app", { detail: { path } })), `/${searchOf(q3.url)}`);
    await expect.poll(() => page.getByTestId("game-store").textContent(), { timeout: 10_000 }).toContain("Võ Văn Tần");
    // One play per day across the game's stores: the friendly limit message instead of the spin button.
    expect(await page.getByTestId("game-limit").textContent()).toContain("hết lượt chơi hôm nay");
    expect(await page.getByTestId("game-play").count()).toBe(0);

    expect(s.errors).toEqual([]);
  });

  it("plays a scratch card: scratching reveals the server's outcome, points go to the account", async () => {
    const { page } = s;
    const token = await stack.adminToken();
    const game = await admin<{ id: string }>(stack, token, "POST", "/api/admin/games", {
      name: "Thẻ cào cuối tuần",
      kind: "scratch",
      storeIds: ["q1-nguyen-hue"],
      prizes: [
        { label: "50 điểm", kind: "points", points: 50, weight: 100 },
        { label: "Chúc may mắn", kind: "none", weight: 0 },
      ],
    });
    const { links: scratchLinks } = await admin<{ links: Link[] }>(stack, token, "GET", `/api/admin/games/${game.id}/qr-links`);
    await page.goto(`${stack.webUrl}/${searchOf(scratchLinks[0]!.url)}`);
    await page.getByTestId("game-scratch").waitFor({ timeout: 15_000 });
    await page.getByTestId("game-play").click();
    await expect.poll(() => page.getByTestId("game-scratch-result").textContent()).toContain("50 điểm");

    // Scratch with a finger-like drag across the foil until most of it is gone.
    const box = (await page.locator(".game-scratch-foil").boundingBox())!;
    await page.mouse.move(box.x + 10, box.y + 10);
    await page.mouse.down();
    for (let row = 0; row < 5; row++) {
      const y = box.y + 15 + (row * (box.height - 30)) / 4;
      for (let i = 0; i <= 12; i++) await page.mouse.move(box.x + 10 + ((row % 2 ? 12 - i : i) * (box.width - 20)) / 12, y);
      if (row === 1) await shot(page, "game-scratch"); // half scratched
    }
    await page.mouse.up();
    await page.getByTestId("game-outcome-claimed").waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("game-outcome-title").textContent()).toBe("+50 điểm");
    expect(await page.getByTestId("game-claimed").textContent()).toContain("Điểm đã vào tài khoản");
  });

  it("shows a friendly error screen for a tampered link", async () => {
    const { page } = s;
    const q1 = new URL(links.find((l) => l.storeId === "q1-nguyen-hue")!.url);
    const sig = q1.searchParams.get("sig")!;
    q1.searchParams.set("sig", (sig[0] === "A" ? "B" : "A") + sig.slice(1));

    await page.goto(`${stack.webUrl}/${q1.search}`);
    await expect.poll(() => page.getByTestId("game-error").getAttribute("data-code"), { timeout: 15_000 }).toBe("QR_LINK_INVALID");
    const text = await page.getByTestId("game-error").textContent();
    expect(text).toContain("Mã QR không hợp lệ");
    expect(text).toContain("Quét lại mã QR");
    expect(await page.getByTestId("game-wheel").count()).toBe(0);
    await page.waitForTimeout(600); // any route transition has finished
    await shot(page, "game-bad-link");

    // A way out: back home.
    await page.getByTestId("game-home").click();
    await page.getByTestId("greeting").waitFor();
  });
});
