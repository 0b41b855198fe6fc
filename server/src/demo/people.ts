import type { Rng } from "./random";

// Vietnamese names as a shop's Zalo followers show them: family, middle and given name, weighted roughly by how
// common they are (Nguyễn is about a third of the country), with some people going by their middle and given
// name only ("Thu Trang") as Zalo display names often do.

export const FAMILY: readonly (readonly [string, number])[] = [
  ["Nguyễn", 36],
  ["Trần", 11],
  ["Lê", 9],
  ["Phạm", 7],
  ["Hoàng", 4],
  ["Huỳnh", 4],
  ["Phan", 4],
  ["Vũ", 3],
  ["Võ", 3],
  ["Đặng", 2],
  ["Bùi", 2],
  ["Đỗ", 2],
  ["Hồ", 1.5],
  ["Ngô", 1.5],
  ["Dương", 1],
  ["Lý", 1],
  ["Trương", 1],
  ["Đinh", 0.8],
  ["Lâm", 0.6],
  ["Mai", 0.5],
  ["Tô", 0.4],
  ["Châu", 0.3],
];

const MIDDLE = {
  f: [
    ["Thị", 30],
    ["Ngọc", 10],
    ["Thu", 6],
    ["Thanh", 6],
    ["Minh", 5],
    ["Phương", 4],
    ["Khánh", 4],
    ["Bảo", 4],
    ["Mỹ", 3],
    ["Hồng", 3],
    ["Kim", 3],
    ["Hoài", 2],
    ["Diệu", 2],
    ["Tường", 1],
  ],
  m: [
    ["Văn", 22],
    ["Minh", 10],
    ["Đức", 7],
    ["Quốc", 6],
    ["Hoàng", 5],
    ["Thành", 5],
    ["Gia", 5],
    ["Hữu", 4],
    ["Công", 3],
    ["Tuấn", 3],
    ["Anh", 3],
    ["Trọng", 3],
    ["Nhật", 3],
    ["Xuân", 2],
  ],
} as const;

const GIVEN = {
  f: [
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hân",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "My",
    "Ngân",
    "Ngọc",
    "Nhi",
    "Nhung",
    "Oanh",
    "Phương",
    "Quỳnh",
    "Thảo",
    "Thư",
    "Tiên",
    "Trang",
    "Trâm",
    "Uyên",
    "Vy",
    "Yến",
    "Vân",
    "Loan",
    "Thủy",
    "Diễm",
    "Châu",
  ],
  m: [
    "Anh",
    "Bảo",
    "Dũng",
    "Duy",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hùng",
    "Huy",
    "Khang",
    "Khoa",
    "Kiên",
    "Lâm",
    "Long",
    "Minh",
    "Nam",
    "Nhân",
    "Phong",
    "Phúc",
    "Quân",
    "Sơn",
    "Tài",
    "Tâm",
    "Thắng",
    "Thịnh",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Khải",
    "Lộc",
    "Tín",
    "Đông",
    "Hoàng",
  ],
} as const;

// Vietnamese mobile prefixes (Viettel, Vinaphone, MobiFone, Vietnamobile) after the country code.
const MOBILE = [
  "86",
  "96",
  "97",
  "98",
  "32",
  "33",
  "34",
  "35",
  "36",
  "37",
  "38",
  "39",
  "88",
  "91",
  "94",
  "83",
  "84",
  "85",
  "81",
  "82",
  "89",
  "90",
  "93",
  "70",
  "79",
  "77",
  "76",
  "78",
  "56",
  "58",
];

export type Person = { name: string; gender: "f" | "m" };

export function personName(rng: Rng): Person {
  const gender = rng.chance(0.56) ? "f" : "m"; // a café's followers lean female
  const family = rng.weighted(FAMILY);
  const middle = rng.weighted(MIDDLE[gender]);
  const given = rng.pick(GIVEN[gender]);
  const style = rng.next();
  // Most show their full name, some their middle and given name, a few their family and given name.
  // Nobody goes by "Thị Lan" or "Văn Nam": those middle names only appear in full.
  const plain = middle === "Thị" || middle === "Văn";
  const name = style < 0.7 || (plain && style < 0.92) ? `${family} ${middle} ${given}` : style < 0.92 ? `${middle} ${given}` : `${family} ${given}`;
  return { name, gender };
}

/** A mobile number in the 84… form, not used yet. */
export function mobileNumber(rng: Rng, used: Set<string>): string {
  for (;;) {
    const phone = `84${rng.pick(MOBILE)}${String(rng.int(0, 9_999_999)).padStart(7, "0")}`;
    if (!used.has(phone)) {
      used.add(phone);
      return phone;
    }
  }
}

/** A birthday: most with the year (born 1972–2006, skewed young), some only day and month. */
export function birthDate(rng: Rng): string {
  const month = rng.int(1, 12);
  const day = rng.int(1, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!);
  const md = `${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  if (rng.chance(0.25)) return md;
  const year = rng.weighted([
    [rng.int(1995, 2006), 50],
    [rng.int(1985, 1994), 35],
    [rng.int(1972, 1984), 15],
  ]);
  return `${year}-${md}`;
}

/** What a customer writes to the OA now and then (opens the free consultation window). */
export const OA_QUESTIONS = [
  "Quán mở cửa đến mấy giờ vậy ạ?",
  "Hôm nay có giao hàng không shop?",
  "Mình muốn đặt 10 ly cho văn phòng chiều nay được không?",
  "Cho mình hỏi voucher dùng được ở cả hai chi nhánh không?",
  "Cảm ơn quán, cà phê muối hôm qua ngon lắm!",
  "Điểm của mình bao lâu thì hết hạn ạ?",
  "Quán còn chỗ ngồi làm việc buổi sáng không?",
  "Mình để quên áo khoác ở quán, nhờ giữ giúp nhé.",
] as const;
