/**
 * The `details` of a VALIDATION_FAILED (zod issues, as fastify-type-provider-zod sends them) or a
 * TEMPLATE_DATA_INVALID answer, as Vietnamese lines a person can act on. The server's English (`message`,
 * "body/value Too small…") is never shown: each line is worded from the issue's code and numbers. A schema may
 * say it itself: a message it wrote in Vietnamese is shown as it is (the stores' schema does), and a custom rule
 * whose message is English for API users carries its Vietnamese as `params: { vi }`.
 */
export type FieldProblem = { field: string; text: string };

type ZodDetail = { keyword?: string; instancePath?: string; message?: string; params?: Record<string, unknown> };

/** A letter only Vietnamese writes: zod's own messages never have one. */
export const VIETNAMESE = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;
type TemplateProblem = { param: string; code: string };

const num = (v: unknown) => (typeof v === "number" || typeof v === "bigint" ? Number(v).toLocaleString("vi-VN") : String(v));

const TYPE_WORD: Record<string, string> = {
  string: "phải là chữ",
  number: "phải là số",
  int: "phải là số nguyên",
  boolean: "phải là có hoặc không",
  array: "phải là một danh sách",
  object: "chưa đúng dạng",
  date: "phải là một ngày",
};

const FORMAT_WORD: Record<string, string> = {
  email: "không phải địa chỉ email hợp lệ",
  url: "không phải đường dẫn hợp lệ",
  uuid: "không phải mã hợp lệ",
  datetime: "chưa đúng dạng ngày giờ",
  date: "chưa đúng dạng ngày (YYYY-MM-DD)",
  time: "chưa đúng dạng giờ (HH:MM)",
};

function sizeText(p: Record<string, unknown>, big: boolean): string {
  const n = big ? p.maximum : p.minimum;
  const inclusive = p.inclusive !== false;
  switch (p.origin) {
    case "string":
      if (!big && Number(n) === 1) return "không được để trống";
      return big ? `dài tối đa ${num(n)} ký tự` : `cần ít nhất ${num(n)} ký tự`;
    case "array":
    case "set":
      if (!big && Number(n) === 1) return "cần ít nhất một mục";
      return big ? `tối đa ${num(n)} mục` : `cần ít nhất ${num(n)} mục`;
    case "date":
      return big ? "quá muộn" : "quá sớm";
    default:
      if (big) return inclusive ? `tối đa là ${num(n)}` : `phải nhỏ hơn ${num(n)}`;
      return inclusive ? `tối thiểu là ${num(n)}` : `phải lớn hơn ${num(n)}`;
  }
}

function zodText(d: ZodDetail): string {
  const p = d.params ?? {};
  if (d.message && VIETNAMESE.test(d.message)) return d.message;
  switch (d.keyword) {
    case "invalid_type":
      // zod names a missing value only in its English message ("…, received undefined").
      if (/received undefined$/.test(d.message ?? "")) return "cần được điền";
      return TYPE_WORD[String(p.expected)] ?? "chưa đúng dạng";
    case "too_small":
      return sizeText(p, false);
    case "too_big":
      return sizeText(p, true);
    case "invalid_format":
      return FORMAT_WORD[String(p.format)] ?? "chưa đúng định dạng";
    case "not_multiple_of":
      return `phải là bội số của ${num(p.divisor)}`;
    case "unrecognized_keys":
      return `có mục không được phép: ${Array.isArray(p.keys) ? p.keys.join(", ") : ""}`;
    case "invalid_value":
      return Array.isArray(p.values) && p.values.length ? `phải là một trong: ${p.values.map(String).join(", ")}` : "chưa hợp lệ";
    case "invalid_union":
      return "chưa đúng với dạng nào được phép";
    case "custom": {
      const vi = (p.params as { vi?: unknown } | undefined)?.vi;
      return typeof vi === "string" && vi ? vi : "chưa hợp lệ";
    }
    default:
      return "chưa hợp lệ";
  }
}

const TEMPLATE_WORD: Record<string, string> = {
  MISSING: "cần được điền",
  TOO_LONG: "dài quá giới hạn của mẫu",
  UNKNOWN: "không phải tham số của mẫu này",
  BAD_FORMAT: "chỉ được gồm chữ số",
};

/** A zod issue as the server sends it (fastify-type-provider-zod): for a form that checks itself with the same schema. */
export const detailOfIssue = (i: { code: string; path: PropertyKey[]; message: string }): ZodDetail => {
  const { code, path, message, ...params } = i;
  return { keyword: code, instancePath: `/${path.map(String).join("/")}`, message, params };
};

/** "/prizes/0/weight" → "prizes.0.weight"; the body's root is "". */
const pathOf = (instancePath: string | undefined) => (instancePath ?? "").replace(/^\//, "").split("/").filter(Boolean).join(".");

/**
 * One line per problem. `labels` names fields the way the form does ("quietHours" → "Giờ yên lặng"); a path
 * with list positions also matches its `*` form ("prizes.*.weight"). Unlabelled fields keep their path.
 */
export function fieldProblems(details: unknown, labels: Record<string, string> = {}): FieldProblem[] {
  const label = (path: string) => labels[path] ?? labels[path.replace(/\.\d+(?=\.|$)/g, ".*")] ?? path;
  if (Array.isArray(details)) {
    return details.filter((d): d is ZodDetail => typeof d === "object" && d !== null).map((d) => ({ field: label(pathOf(d.instancePath)), text: zodText(d) }));
  }
  const problems = (details as { problems?: unknown } | null | undefined)?.problems;
  if (Array.isArray(problems)) {
    return (problems as TemplateProblem[]).map((p) => ({ field: label(p.param), text: TEMPLATE_WORD[p.code] ?? "chưa hợp lệ" }));
  }
  return [];
}
