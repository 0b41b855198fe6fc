import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { Campaign, CampaignInput } from "@mc/shared";
import type { Stack } from "../support/stack";
import { realErrors, shot, type BrowserSession } from "../support/browser";
import { withStackAndPhones } from "../support/suite";

/** Admin API call the console would make (the test plays the admin). */
async function createCampaign(stack: Stack, input: Partial<CampaignInput> & Pick<CampaignInput, "name" | "kind" | "value">): Promise<Campaign> {
  const res = await fetch(`${stack.apiUrl}/api/admin/voucher-campaigns`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await stack.adminToken()}` },
    body: JSON.stringify(input),
  });
  if (res.status !== 201) throw new Error(`create campaign → ${res.status} ${await res.text()}`);
  return (await res.json()) as Campaign;
}

/** The emulator adapter's scanQRCode() opens a sheet to paste what the camera would have read. */
async function scan(page: Page, trigger: string, content: string) {
  await page.getByTestId(trigger).click();
  await page.getByTestId("scan-input").fill(content);
  await page.getByTestId("scan-submit").click();
}

const nav = (page: Page, label: string) => page.locator(".mc-bottom-nav").getByText(label, { exact: true }).click();
const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();

describe("loyalty: points at the counter, vouchers claimed, shown as QR and redeemed once", () => {
  let stack: Stack;
  let shopper: BrowserSession;
  let staff: BrowserSession;
  let memberCode = "";

  withStackAndPhones({ phones: 2, timeoutMs: 15_000 }, async (st, phones) => {
    stack = st;
    [shopper, staff] = phones as [BrowserSession, BrowserSession];
  });

  it("staff award points to the shopper's member card and the shopper sees the new balance", async () => {
    const { page } = shopper;
    await page.goto(stack.webUrl);
    await expect.poll(() => text(page, "greeting"), { timeout: 15_000 }).toBe("Xin chào, Nguyễn Thu Hà");
    await expect.poll(() => text(page, "points-balance")).toBe("0");
    expect(await text(page, "tier-badge")).toBe("Hạng Thành viên");
    memberCode = (await text(page, "member-code"))!;
    expect(memberCode).toMatch(/^MC-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await page.getByTestId("member-qr").getAttribute("data-payload")).toBe(memberCode);
    // A customer has no counter.
    expect(await page.getByTestId("staff-counter-card").count()).toBe(0);

    // Staff: home → counter → award points for a 1.250.000đ receipt to the scanned member card.
    const s = staff.page;
    await s.goto(`${stack.webUrl}/?persona=staff`);
    await expect.poll(() => text(s, "greeting"), { timeout: 15_000 }).toBe("Xin chào, Trần Minh Khoa");
    await s.getByTestId("open-counter").click();
    await expect.poll(() => text(s, "counter-store-name")).toBe("Cà Phê Sài Gòn · Nguyễn Huệ");
    await s.getByTestId("counter-mode-points").click();
    await scan(s, "award-scan", memberCode);
    await expect.poll(() => text(s, "award-member-name")).toBe("N. T. Hà"); // the counter never sees a full name by code
    // The bill number printed by the POS is asked for: without it, nothing is sent.
    await s.getByTestId("award-amount").fill("1250000");
    expect(await s.getByTestId("award-amount").inputValue()).toBe("1.250.000");
    expect(await s.getByTestId("award-submit").isDisabled()).toBe(true);
    await s.getByTestId("award-receipt").fill("hd-0012");
    expect(await s.getByTestId("award-receipt").inputValue()).toBe("HD-0012");
    await shot(s, "staff-points-form");
    await s.getByTestId("award-submit").click();
    await expect.poll(() => text(s, "award-points")).toBe("+125 điểm");
    expect(await text(s, "award-balance")).toBe("125 điểm");
    expect(await s.getByTestId("award-result").getAttribute("data-duplicate")).toBe("false");
    await shot(s, "staff-points");
    await s.getByTestId("award-next").click();

    // The same bill entered again: refused, showing the award it already earned.
    await scan(s, "award-scan", memberCode);
    await expect.poll(() => text(s, "award-member-name")).toBe("N. T. Hà");
    await s.getByTestId("award-receipt").fill("HD-0012");
    await s.getByTestId("award-amount").fill("1250000");
    await s.getByTestId("award-submit").click();
    await expect.poll(() => text(s, "award-title")).toBe("Hóa đơn này đã được tích điểm");
    expect(await s.getByTestId("award-result").getAttribute("data-duplicate")).toBe("true");
    expect(await text(s, "award-points")).toBe("+125 điểm");
    expect(await text(s, "award-first")).toContain("HD-0012");
    await shot(s, "staff-points-duplicate");
    await s.getByTestId("award-next").click();

    // The same bill number with another amount is refused; an over-limit amount says so; a large one asks first.
    await scan(s, "award-scan", memberCode);
    await expect.poll(() => text(s, "award-member-name")).toBe("N. T. Hà");
    await s.getByTestId("award-receipt").fill("HD-0012");
    await s.getByTestId("award-amount").fill("300000");
    await s.getByTestId("award-submit").click();
    // A bill-number refusal sits under "Số hóa đơn", which takes the focus; correcting it clears the error.
    await expect.poll(() => text(s, "award-receipt-error")).toContain("Hóa đơn số HD-0012 đã được tích điểm cho khách khác hoặc với số tiền khác");
    expect(await s.getByTestId("award-receipt").getAttribute("aria-describedby")).toBe("award-receipt-error");
    await expect.poll(() => s.evaluate(() => document.activeElement?.id)).toBe("award-receipt");
    expect(await s.getByTestId("award-error").count()).toBe(0);
    await shot(s, "staff-points-bill-reused");
    await s.getByTestId("award-receipt").fill("HD-0013");
    expect(await s.getByTestId("award-receipt-error").count()).toBe(0);
    await s.getByTestId("award-amount").fill("20000000000");
    await expect.poll(() => text(s, "award-error")).toContain("Số tiền vượt quá giới hạn 1.000.000.000đ");
    expect(await s.getByTestId("award-submit").isDisabled()).toBe(true);
    await shot(s, "staff-points-over-limit");
    await s.getByTestId("award-amount").fill("9000000");
    await s.getByTestId("award-submit").click();
    await expect.poll(() => text(s, "award-confirm-amount")).toBe("9.000.000đ");
    await shot(s, "staff-points-confirm");
    // Staff catch the extra zero: back to the form, nothing awarded.
    await s.getByTestId("award-confirm-no").click();
    expect(await s.getByTestId("award-amount").inputValue()).toBe("9.000.000");
    await s.getByTestId("award-amount").fill("5000");
    await s.getByTestId("award-submit").click();
    await expect.poll(() => text(s, "award-error")).toBe("Hóa đơn dưới 10.000đ chưa được tích điểm");
    await s.getByRole("button", { name: "Đổi khách" }).click();

    // Shopper: home again shows the new balance, tier progress and the history entry.
    await nav(page, "Ưu đãi");
    await nav(page, "Trang chủ");
    await expect.poll(() => text(page, "points-balance")).toBe("125");
    expect(await text(page, "tier-next")).toBe("Còn 375 điểm nữa lên hạng Bạc");
    await page.waitForTimeout(500);
    await shot(page, "wallet");

    await page.getByTestId("open-points-history").click();
    await expect.poll(() => text(page, "points-entry")).toContain("Mua hàng 1.250.000đ");
    expect(await text(page, "points-entry-delta")).toBe("+125");
    expect(await text(page, "history-balance")).toBe("125");
    await page.waitForTimeout(600);
    await shot(page, "points-history");
    await page.getByTestId("back").click();
    await page.getByTestId("points-card").waitFor();
  });

  it("the shopper claims an offer, staff redeem its QR once; a second redemption is refused", async () => {
    const welcome = await createCampaign(stack, {
      name: "Chào thành viên mới",
      description: "Giảm ngay cho đơn đầu tiên tại quầy",
      kind: "amount_off",
      value: 20_000,
      minSpendVnd: 50_000,
      validDaysAfterClaim: 30,
      storeIds: ["q1-nguyen-hue"],
    });
    const followGift = await createCampaign(stack, {
      name: "Quà cho người quan tâm OA",
      kind: "free_item",
      value: 0,
      freeItem: "Trà đào",
      requiresFollow: true,
      validDaysAfterClaim: 14,
    });
    const pointsDeal = await createCampaign(stack, {
      name: "Đổi điểm giảm 15%",
      kind: "percent_off",
      value: 15,
      maxDiscountVnd: 30_000,
      costPoints: 500,
      validDaysAfterClaim: 30,
    });

    // Shopper: Ưu đãi → claim → open its QR.
    const { page } = shopper;
    await nav(page, "Ưu đãi");
    const offer = (id: string) => page.locator(`[data-testid="offer"][data-campaign="${id}"]`);
    await offer(welcome.id).waitFor();
    expect(await offer(followGift.id).getByTestId("offer-follow").textContent()).toContain("Quan tâm OA để nhận");
    expect(await offer(pointsDeal.id).getByTestId("offer-blocked").textContent()).toBe("Cần thêm 375 điểm");
    expect(await offer(pointsDeal.id).getByTestId("offer-blocked").isDisabled()).toBe(true);
    await page.waitForTimeout(600); // the page slide-in
    await shot(page, "offers");
    await offer(welcome.id).getByTestId("offer-claim").click();
    await offer(welcome.id).getByTestId("offer-use").click();

    const qr = page.getByTestId("voucher-qr");
    await page.locator('[data-testid="voucher-qr"][data-ready="1"]').waitFor();
    const payload = (await qr.getAttribute("data-payload"))!;
    expect(payload.length).toBeGreaterThan(20);
    expect(await text(page, "voucher-label")).toBe("Giảm 20.000đ");
    // The code read out at the counter is 6 digits that change with the QR.
    const liveCode = (await text(page, "voucher-code"))!;
    expect(liveCode).toMatch(/^\d{3} \d{3}$/);
    expect(Number(await page.getByTestId("qr-countdown").getAttribute("data-seconds"))).toBeGreaterThan(0);
    await page.waitForTimeout(3000); // let the claim snackbar close before the screenshot
    await shot(page, "voucher-qr");

    // Staff (this device and a second till): both scan the same QR and see whose voucher it is.
    const s = staff.page;
    await s.getByTestId("counter-mode-voucher").click();
    await scan(s, "counter-scan", payload);
    await expect.poll(() => text(s, "counter-owner")).toBe("Nguyễn Thu Hà");
    expect(await text(s, "counter-voucher-label")).toBe("Giảm 20.000đ");

    // The second till types the 6-digit code the shopper reads out.
    const till2 = await staff.context.newPage();
    till2.setDefaultTimeout(15_000);
    await till2.goto(`${stack.webUrl}/?persona=staff`);
    await till2.getByTestId("open-counter").click();
    await till2.getByTestId("counter-code-input").fill(liveCode);
    await till2.getByTestId("counter-code-submit").click();
    await expect.poll(() => text(till2, "counter-owner")).toBe("Nguyễn Thu Hà");

    // The first confirmation wins.
    await s.getByTestId("counter-redeem").click();
    await expect.poll(() => s.getByTestId("counter-outcome").getAttribute("data-outcome")).toBe("success");
    expect(await text(s, "counter-outcome-title")).toBe("Đã áp dụng voucher");
    expect(await text(s, "counter-outcome-lines")).toContain("Trần Minh Khoa");
    await shot(s, "staff-redeemed");

    // The shopper's open voucher notices it was used.
    await expect.poll(() => page.getByTestId("voucher-status").getAttribute("data-status"), { timeout: 10_000 }).toBe("used");
    expect(await text(page, "voucher-used")).toContain("Đã sử dụng");
    await page.waitForTimeout(3000); // the "used" snackbar
    await shot(page, "voucher-used");

    // The second till's confirmation is refused: when, where and by whom.
    await till2.getByTestId("counter-redeem").click();
    await expect.poll(() => till2.getByTestId("counter-outcome").getAttribute("data-outcome")).toBe("already");
    expect(await text(till2, "counter-outcome-title")).toBe("Voucher đã được sử dụng");
    const lines = (await text(till2, "counter-outcome-lines"))!;
    expect(lines).toContain("Cà Phê Sài Gòn · Nguyễn Huệ");
    expect(lines).toContain("Trần Minh Khoa");
    await shot(till2, "staff-already-redeemed");
    await till2.close();

    // Scanning it again on the first till: already used; a forged code: refused as forged.
    await s.getByTestId("counter-next").click();
    await scan(s, "counter-scan", payload);
    await expect.poll(() => s.getByTestId("counter-outcome").getAttribute("data-outcome")).toBe("already");
    expect(await text(s, "counter-outcome-lines")).toContain("Trần Minh Khoa");
    await s.getByTestId("counter-next").click();
    await scan(s, "counter-scan", `${payload.slice(0, -4)}AAAA`);
    await expect.poll(() => s.getByTestId("counter-outcome").getAttribute("data-outcome")).toBe("qr-invalid");

    // The shopper's wallet lists it under "Đã dùng".
    await page.getByTestId("back").click();
    await nav(page, "Trang chủ");
    await nav(page, "Ưu đãi");
    await page.getByTestId("tab-wallet").click();
    await page.getByTestId("wallet-tab-used").click();
    await expect.poll(() => page.locator('[data-testid="wallet-voucher"][data-status="used"]').count()).toBe(1);
    await page.waitForTimeout(600);
    await shot(page, "voucher-wallet");

    expect(realErrors(shopper.errors)).toEqual([]);
    expect(realErrors(staff.errors)).toEqual([]);
  });

  it("a shopper whose phone cannot show the voucher: staff list it from the member card and redeem it", async () => {
    const cake = await createCampaign(stack, { name: "Tặng bánh su kem", kind: "free_item", value: 0, freeItem: "Bánh su kem", validDaysAfterClaim: 7 });
    const { page } = shopper;
    await nav(page, "Trang chủ");
    await nav(page, "Ưu đãi");
    await page.getByTestId("tab-offers").click();
    const offer = page.locator(`[data-testid="offer"][data-campaign="${cake.id}"]`);
    await offer.getByTestId("offer-claim").click();
    await offer.getByTestId("offer-use").waitFor();

    const s = staff.page;
    await s.getByTestId("counter-next").click();
    await s.getByTestId("counter-by-member").waitFor();
    await shot(s, "staff-voucher-start");
    await s.getByTestId("counter-by-member").click();
    await s.getByTestId("counter-card-input").fill(memberCode);
    await s.getByTestId("counter-card-submit").click();
    await expect.poll(() => text(s, "counter-member-owner")).toBe("N. T. Hà");
    const listed = s.getByTestId("counter-member-voucher");
    await expect.poll(() => listed.count()).toBe(1); // the used one is gone; the follow gift was never claimed
    expect(await listed.first().textContent()).toContain("Tặng Bánh su kem");
    await shot(s, "staff-member-vouchers");
    await listed.first().click();
    await expect.poll(() => text(s, "counter-owner")).toBe("N. T. Hà");
    await s.getByTestId("counter-redeem").click();
    await expect.poll(() => s.getByTestId("counter-outcome").getAttribute("data-outcome")).toBe("success");
    expect(await text(s, "counter-outcome-lines")).toContain("Trần Minh Khoa");
    await shot(s, "staff-redeemed-by-member");

    expect(realErrors(shopper.errors)).toEqual([]);
    expect(realErrors(staff.errors)).toEqual([]);
  });

  it("an answer lost on the way back: confirming again shows the success it was, for a voucher and for points", async () => {
    const s = staff.page;
    // The request reaches the server (and is applied); the answer never comes back.
    const loseAnswerOnce = (path: string) =>
      s.route(`**${path}`, async (route) => void (await route.fetch(), await route.abort("connectionreset")), { times: 1 });
    const lost = () => staff.errors.filter((e) => /net::ERR_CONNECTION_RESET/.test(e)).length;
    const lostBefore = lost();

    const tea = await createCampaign(stack, { name: "Tặng trà chanh", kind: "free_item", value: 0, freeItem: "Trà chanh", validDaysAfterClaim: 7 });
    const { page } = shopper;
    await page.reload(); // the offers were read before this campaign existed
    await nav(page, "Trang chủ");
    await nav(page, "Ưu đãi");
    await page.getByTestId("tab-offers").click();
    const offer = page.locator(`[data-testid="offer"][data-campaign="${tea.id}"]`);
    await offer.getByTestId("offer-claim").click();
    await offer.getByTestId("offer-use").waitFor();

    await s.getByTestId("counter-next").click();
    await s.getByTestId("counter-by-member").click();
    await s.getByTestId("counter-card-input").fill(memberCode);
    await s.getByTestId("counter-card-submit").click();
    await expect.poll(() => s.getByTestId("counter-member-voucher").count()).toBe(1);
    await s.getByTestId("counter-member-voucher").first().click();
    await expect.poll(() => text(s, "counter-owner")).toBe("N. T. Hà");
    await loseAnswerOnce("/api/staff/vouchers/redeem");
    await s.getByTestId("counter-redeem").click();
    await expect.poll(lost).toBe(lostBefore + 1);
    // Still on the review (unknown whether it went through); confirming again finds it used here, just now: this one.
    await expect.poll(() => s.getByTestId("counter-redeem").isEnabled()).toBe(true);
    await s.getByTestId("counter-redeem").click();
    await expect.poll(() => s.getByTestId("counter-outcome").getAttribute("data-outcome")).toBe("success");
    expect(await text(s, "counter-outcome-lines")).toContain("Trần Minh Khoa");

    await s.getByTestId("counter-mode-points").click();
    await scan(s, "award-scan", memberCode);
    await expect.poll(() => text(s, "award-member-name")).toBe("N. T. Hà");
    await s.getByTestId("award-receipt").fill("HD-0077");
    await s.getByTestId("award-amount").fill("100000");
    await loseAnswerOnce("/api/staff/points/award");
    await s.getByTestId("award-submit").click();
    await expect.poll(lost).toBe(lostBefore + 2);
    await expect.poll(() => s.getByTestId("award-submit").isEnabled()).toBe(true);
    await s.getByTestId("award-submit").click();
    await expect.poll(() => text(s, "award-title")).toBe("Tích điểm thành công");
    expect(await s.getByTestId("award-result").getAttribute("data-duplicate")).toBe("false");
    expect(await text(s, "award-points")).toBe("+10 điểm");
    await s.getByTestId("award-next").click();
    await s.getByTestId("counter-mode-voucher").click();

    expect(realErrors(shopper.errors)).toEqual([]);
    expect(realErrors(staff.errors).filter((e) => !/net::ERR_CONNECTION_RESET/.test(e))).toEqual([]);
  });

  it("a QR past its expiry while its refresh fails is hidden, with its code dimmed, until a refresh works", async () => {
    const lemon = await createCampaign(stack, { name: "Tặng nước chanh", kind: "free_item", value: 0, freeItem: "Nước chanh", validDaysAfterClaim: 7 });
    const { page } = shopper;
    await page.reload();
    await nav(page, "Trang chủ");
    await nav(page, "Ưu đãi");
    await page.getByTestId("tab-offers").click();
    const offer = page.locator(`[data-testid="offer"][data-campaign="${lemon.id}"]`);
    await offer.getByTestId("offer-claim").click();
    // The first QR arrives already expired and due for a refresh in 5 s; that refresh (and any after) cannot get through.
    let served = 0;
    const qrPath = "**/api/me/vouchers/*/qr";
    await page.route(qrPath, async (route) => {
      if (served++ > 0) return route.abort("internetdisconnected");
      const res = await route.fetch();
      const body = { ...(await res.json()), expiresAt: new Date(Date.now() - 1000).toISOString(), refreshInSeconds: 5 };
      await route.fulfill({ response: res, json: body });
    });
    await offer.getByTestId("offer-use").click();
    await page.locator('[data-testid="voucher-qr"][data-ready="1"]').waitFor();
    await expect.poll(() => page.getByTestId("voucher-qr-box").getAttribute("data-stale")).toBe("true");
    expect(await page.getByTestId("voucher-qr").count()).toBe(0);
    expect(await page.getByTestId("voucher-code").getAttribute("data-stale")).toBe("true");
    expect(await text(page, "qr-refresh-error")).toBe("Mất kết nối. Thử lại, hoặc đưa thẻ thành viên cho nhân viên");
    await shot(page, "voucher-qr-offline");
    // Back online: the link brings a live QR.
    await page.unroute(qrPath);
    await page.getByTestId("qr-refresh-error").click();
    await page.locator('[data-testid="voucher-qr"][data-ready="1"]').waitFor();
    expect(await page.getByTestId("qr-refresh-error").count()).toBe(0);
    expect(await page.getByTestId("voucher-code").getAttribute("data-stale")).toBeNull();
    await page.getByTestId("back").click();

    expect(realErrors(shopper.errors).filter((e) => !/net::ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
  });
});
