import sharp from "sharp";
import type { z } from "zod";
import type { MenuImage, ProductInput } from "@mc/shared";
import { demoArtSvg, type Art } from "./menu-art";

/**
 * The demo shop's menu: 15 products in three categories, each with a picture drawn in menu-art.ts and uploaded
 * through the menu's image path (bytes checked, resized to the two WebP sizes). The same seed runs from the demo
 * history (through the services) and from `pnpm start` with DEMO_HISTORY=0 (through the admin API).
 */

type DemoProduct = Omit<z.input<typeof ProductInput>, "categoryId" | "imageId" | "storeIds"> & { art: Art; onlyAt?: 0 | 1 };

const size = (large: number) => ({
  id: "size",
  name: "Size",
  kind: "one" as const,
  required: true,
  options: [
    { id: "M", name: "M", priceDeltaVnd: 0 },
    { id: "L", name: "L", priceDeltaVnd: large },
  ],
});
const sugar = {
  id: "sugar",
  name: "Độ ngọt",
  kind: "one" as const,
  options: [
    { id: "sugar-less", name: "Ít ngọt", priceDeltaVnd: 0 },
    { id: "sugar-none", name: "Không đường", priceDeltaVnd: 0 },
  ],
};
const toppings = (...o: [string, string, number][]) => ({
  id: "top",
  name: "Topping",
  kind: "many" as const,
  max: 3,
  options: o.map(([id, name, priceDeltaVnd]) => ({ id, name, priceDeltaVnd })),
});

export const DEMO_MENU: [string, DemoProduct[]][] = [
  [
    "Cà phê",
    [
      {
        name: "Cà phê sữa đá",
        priceVnd: 29_000,
        description: "Phin robusta Buôn Ma Thuột, sữa đặc, đá viên.",
        optionGroups: [size(6_000), sugar],
        art: { kind: "iced", bg: "#f3dcc0", layers: ["#8a5a3b", "#c89b6d"], straw: "#e74c3c" },
      },
      {
        name: "Cà phê đen đá",
        priceVnd: 25_000,
        description: "Đậm, đắng nhẹ, thơm mùi rang.",
        optionGroups: [size(5_000), sugar],
        art: { kind: "iced", bg: "#e6d5c3", layers: ["#2b1a10", "#4a2c1a"], straw: "#2c3e50" },
      },
      {
        name: "Bạc xỉu",
        priceVnd: 32_000,
        description: "Nhiều sữa, ít cà phê: ngọt béo dễ uống.",
        optionGroups: [size(6_000)],
        art: { kind: "iced", bg: "#f7e7d3", layers: ["#c89b6d", "#f1e1c8"], straw: "#d35400" },
      },
      {
        name: "Cà phê muối",
        priceVnd: 35_000,
        description: "Cà phê phin, kem muối béo nhẹ.",
        art: { kind: "iced", bg: "#dfe9f0", layers: ["#5a3a26", "#8a5a3b"], cream: "#fbf3e4", straw: "#16a085" },
      },
      {
        name: "Latte nóng",
        priceVnd: 45_000,
        description: "Espresso và sữa tươi đánh bọt mịn.",
        optionGroups: [toppings(["shot", "Thêm shot espresso", 10_000], ["oat", "Sữa yến mạch", 8_000])],
        art: { kind: "hot", bg: "#e9e1f2", cup: "#ffffff", coffee: "#b07a4f", foam: "#f6ead8" },
      },
    ],
  ],
  [
    "Trà",
    [
      {
        name: "Trà đào cam sả",
        priceVnd: 39_000,
        description: "Trà đen, đào miếng, cam tươi và sả.",
        optionGroups: [size(8_000), toppings(["peach", "Thêm đào", 8_000], ["jelly", "Thạch đào", 6_000])],
        art: { kind: "iced", bg: "#ffe3cc", layers: ["#e8772e", "#f6b26b"], fruit: ["#f7a440", "#e67e22"], straw: "#f1c40f" },
      },
      {
        name: "Trà sữa ô long",
        priceVnd: 42_000,
        description: "Ô long rang, sữa tươi, trân châu đường đen.",
        optionGroups: [size(8_000), toppings(["pearl", "Trân châu", 6_000], ["cheese", "Kem phô mai", 10_000])],
        art: { kind: "iced", bg: "#efe0d0", layers: ["#a9805f", "#d8b996"], pearls: true, straw: "#8e44ad" },
      },
      {
        name: "Trà vải",
        priceVnd: 39_000,
        description: "Trà xanh nhài, vải thiều và nước vải.",
        optionGroups: [size(8_000)],
        art: { kind: "iced", bg: "#fde2e4", layers: ["#f4a6b7", "#fbd3dc"], fruit: ["#fffaf5", "#b8323f"], straw: "#e84393" },
        onlyAt: 1,
      },
      {
        name: "Trà sen vàng",
        priceVnd: 45_000,
        description: "Trà ô long, hạt sen, kem sữa.",
        optionGroups: [size(8_000)],
        art: { kind: "iced", bg: "#fff4cf", layers: ["#e1b94f", "#f5dc8a"], cream: "#fffaf0", straw: "#27ae60" },
      },
      {
        name: "Matcha latte đá",
        priceVnd: 49_000,
        description: "Matcha Nhật, sữa tươi, đá.",
        optionGroups: [size(8_000), toppings(["pearl", "Trân châu", 6_000])],
        art: { kind: "iced", bg: "#e1f0d8", layers: ["#f4f1e6", "#7fb069"], leaf: true, straw: "#2d7a3b" },
      },
    ],
  ],
  [
    "Bánh",
    [
      {
        name: "Bánh mì thịt nướng",
        priceVnd: 25_000,
        description: "Thịt nướng sả, đồ chua, rau thơm.",
        optionGroups: [toppings(["egg", "Thêm trứng", 5_000], ["pate", "Thêm pa-tê", 5_000])],
        art: { kind: "banh-mi", bg: "#fbe8c8" },
        onlyAt: 0,
      },
      { name: "Croissant bơ", priceVnd: 32_000, description: "Bơ Pháp, nướng mỗi sáng.", art: { kind: "croissant", bg: "#fdf0d5" } },
      { name: "Bánh flan", priceVnd: 22_000, description: "Trứng, sữa, caramel đắng nhẹ.", art: { kind: "flan", bg: "#fde9e0" } },
      { name: "Tiramisu", priceVnd: 45_000, description: "Mascarpone, cà phê, cacao.", art: { kind: "tiramisu", bg: "#efe4da" } },
      {
        name: "Bông lan trứng muối",
        priceVnd: 35_000,
        description: "Bông lan mềm, trứng muối, chà bông.",
        art: { kind: "sponge", bg: "#fff1c9" },
      },
    ],
  ],
];

/** A picture of the demo menu as PNG (what a shop owner would upload), rendered from its SVG by sharp (librsvg). */
export const demoPicture = (art: Art) =>
  sharp(Buffer.from(demoArtSvg(art)))
    .png()
    .toBuffer();

/** What the seed needs: the menu service's calls, or the admin API's. */
export type DemoMenuApi = {
  productCount(): Promise<number>;
  createCategory(input: { name: string; position: number }): Promise<{ id: string }>;
  createProduct(input: z.input<typeof ProductInput>): Promise<unknown>;
  uploadImage(png: Buffer): Promise<MenuImage>;
};

/** Writes the demo menu unless the shop has one already (then that one stays, as the shop made it). */
export async function seedDemoMenu(api: DemoMenuApi, storeIds: readonly [string, string]): Promise<boolean> {
  if ((await api.productCount()) > 0) return false;
  for (const [position, [name, products]] of DEMO_MENU.entries()) {
    const category = await api.createCategory({ name, position });
    for (const { art, onlyAt, ...p } of products) {
      const image = await api.uploadImage(await demoPicture(art));
      await api.createProduct({ ...p, categoryId: category.id, imageId: image.id, storeIds: onlyAt === undefined ? [...storeIds] : [storeIds[onlyAt]] });
    }
  }
  return true;
}
