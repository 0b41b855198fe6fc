import { useState } from "react";
import { Cake, Gift } from "lucide-react";
import type { MyBirthday } from "@mc/shared";
import { describeError } from "@mc/web/error-messages";
import { fmtDate } from "@mc/web/format";
import { api } from "../../../api/client";
import { useToast } from "../../../components/use-toast";
import { useLoad } from "../../../lib/use-load";
import { toFailure } from "../../../session";

const pad = (n: number) => String(n).padStart(2, "0");
/** Days in a month; a year left out counts as a leap year, so 29 February can be chosen. */
const daysIn = (month: number, year: number | null) => new Date(Date.UTC(year ?? 2000, month, 0)).getUTCDate();

/** "14/05" or "14/05/1996" from the stored `MM-DD` / `YYYY-MM-DD`. */
export function birthdayText(b: string): string {
  const [y, m, d] = b.length === 5 ? [null, b.slice(0, 2), b.slice(3)] : [b.slice(0, 4), b.slice(5, 7), b.slice(8)];
  return y ? `${d}/${m}/${y}` : `${d}/${m}`;
}

/**
 * The shopper's birthday on the account page: given only with their consent (it is used for the birthday gift
 * and nothing else), changed or cleared by them at any time.
 */
export function BirthdayCard() {
  const toast = useToast();
  const { data, setData } = useLoad(() => api.get<{ birthday: MyBirthday }>("/api/me/birthday").then((r) => r.birthday), []);
  const [editing, setEditing] = useState(false);
  const [day, setDay] = useState(0);
  const [month, setMonth] = useState(0);
  const [year, setYear] = useState("");
  const [consent, setConsent] = useState(false);
  const [saving, setSaving] = useState(false);

  const thisYear = new Date().getFullYear();
  const yearNum = year === "" ? null : Number(year);
  const yearOk = yearNum === null || (Number.isInteger(yearNum) && yearNum >= 1900 && yearNum <= thisYear);
  const dayOk = day > 0 && month > 0 && yearOk && day <= daysIn(month, yearNum);
  const canSave = dayOk && consent && !saving;

  function open() {
    const b = data?.birthDate ?? null;
    setDay(b ? Number(b.slice(-2)) : 0);
    setMonth(b ? Number(b.slice(-5, -3)) : 0);
    setYear(b && b.length === 10 ? b.slice(0, 4) : "");
    setConsent(false); // asked again for a new or changed date
    setEditing(true);
  }

  async function save(birthDate: string | null) {
    setSaving(true);
    try {
      const r = await api.put<{ birthday: MyBirthday }>("/api/me/birthday", { birthDate, consent: birthDate !== null && consent });
      setData(r.birthday);
      setEditing(false);
      toast.success(birthDate ? "Đã lưu ngày sinh của bạn" : "Đã xoá ngày sinh của bạn");
    } catch (e) {
      toast.error(describeError(toFailure(e).code).title);
    } finally {
      setSaving(false);
    }
  }

  const saved = data?.birthDate ?? null;
  return (
    <section className="mc-card mc-birthday" data-testid="birthday-card">
      <div className="mc-row">
        <span className="mc-row-icon">
          <Cake size={18} />
        </span>
        <span className="mc-row-label">Sinh nhật</span>
        <span className="mc-row-value" data-testid="birthday-value">
          {saved ? birthdayText(saved) : "Chưa có"}
        </span>
      </div>
      {!editing ? (
        <>
          {saved && data?.consentAt ? (
            <p className="mc-birthday-note" data-testid="birthday-consent-at">
              Bạn đã đồng ý lưu ngày sinh ngày {fmtDate(data.consentAt)}, chỉ dùng để gửi quà sinh nhật.
            </p>
          ) : null}
          <div className="mc-birthday-actions">
            <button className="mc-btn outline" onClick={open} disabled={!data} data-testid="birthday-edit">
              {saved ? "Sửa ngày sinh" : "Thêm ngày sinh"}
            </button>
            {saved ? (
              <button className="mc-btn outline mc-birthday-clear" onClick={() => save(null)} disabled={saving} data-testid="birthday-clear">
                Xoá
              </button>
            ) : null}
          </div>
        </>
      ) : (
        <div className="mc-birthday-form" data-testid="birthday-form">
          <p className="mc-birthday-why">
            <Gift size={16} />
            <span>Cửa hàng hỏi ngày sinh để gửi lời chúc và quà vào đúng ngày sinh nhật của bạn.</span>
          </p>
          <div className="mc-birthday-fields">
            <label>
              <span>Ngày</span>
              <select value={day} onChange={(e) => setDay(Number(e.target.value))} data-testid="birthday-day">
                <option value={0}>--</option>
                {Array.from({ length: 31 }, (_, i) => i + 1).map((d) => (
                  <option key={d} value={d}>
                    {d}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span>Tháng</span>
              <select value={month} onChange={(e) => setMonth(Number(e.target.value))} data-testid="birthday-month">
                <option value={0}>--</option>
                {Array.from({ length: 12 }, (_, i) => i + 1).map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span>Năm (tuỳ chọn)</span>
              <input
                inputMode="numeric"
                maxLength={4}
                value={year}
                placeholder="vd. 1996"
                onChange={(e) => setYear(e.target.value.replace(/\D/g, ""))}
                data-testid="birthday-year"
              />
            </label>
          </div>
          {day > 0 && month > 0 && !dayOk ? (
            <p className="mc-birthday-error" data-testid="birthday-invalid">
              Ngày sinh không hợp lệ, hãy chọn lại.
            </p>
          ) : null}
          <label className="mc-birthday-consent">
            <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} data-testid="birthday-consent" />
            <span>
              Tôi đồng ý để cửa hàng lưu ngày sinh của tôi. <strong>Chỉ dùng để gửi quà sinh nhật</strong>, không dùng cho việc khác, và tôi có thể xoá bất cứ
              lúc nào.
            </span>
          </label>
          <div className="mc-birthday-actions">
            <button className="mc-btn outline" onClick={() => setEditing(false)} disabled={saving}>
              Huỷ
            </button>
            <button
              className="mc-btn primary"
              disabled={!canSave}
              onClick={() => save(yearNum ? `${yearNum}-${pad(month)}-${pad(day)}` : `${pad(month)}-${pad(day)}`)}
              data-testid="birthday-save"
            >
              Lưu
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
