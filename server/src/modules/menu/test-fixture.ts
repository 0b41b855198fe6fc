import { expect } from "vitest";
import { bearer, type Harness } from "../../test-support";

/** The test shop's menu, made through the admin API: tea (sizes, toppings) at q1 and q3, bánh mì at q1, salted coffee at q3. */
export async function seedMenu(h: Harness, admin: string) {
  const inject = (url: string, payload: object) => h.app.inject({ method: "POST", url, headers: bearer(admin), payload });
  const menu = { tea: "", banhMi: "", q3Only: "", category: "" };
  const cat = await inject("/api/admin/menu/categories", { name: "Đồ uống", position: 1 });
  expect(cat.statusCode).toBe(201);
  menu.category = cat.json().id;
  const product = async (body: Record<string, unknown>) => {
    const res = await inject("/api/admin/menu/products", { categoryId: menu.category, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  menu.tea = await product({
    name: "Trà sữa",
    priceVnd: 35_000,
    imageUrl: "https://cdn.example.vn/tra-sua.jpg",
    storeIds: ["q1", "q3"],
    optionGroups: [
      {
        id: "size",
        name: "Size",
        kind: "one",
        required: true,
        options: [
          { id: "M", name: "M", priceDeltaVnd: 0 },
          { id: "L", name: "L", priceDeltaVnd: 8_000 },
        ],
      },
      {
        id: "top",
        name: "Topping",
        kind: "many",
        options: [
          { id: "pearl", name: "Trân châu", priceDeltaVnd: 5_000 },
          { id: "jelly", name: "Thạch", priceDeltaVnd: 6_000 },
        ],
      },
    ],
  });
  menu.banhMi = await product({ name: "Bánh mì", priceVnd: 25_000, storeIds: ["q1"] });
  menu.q3Only = await product({ name: "Cà phê muối", priceVnd: 30_000, storeIds: ["q3"] });
  return menu;
}
