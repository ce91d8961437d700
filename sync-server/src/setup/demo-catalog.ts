/**
 * The demo catalog of "Duka la Mfano": about 200 products a Kenyan duka or minimart stocks,
 * generated from brand and pack-size lists with KES prices, EAN-13 barcodes (GS1 Kenya prefix
 * 616) and VAT classes; loose staples (sugar, rice, beans, oil, paraffin) sell by weight or
 * volume. Prices are typical shelf prices, not a price list anyone should rely on.
 */
import type { NewProduct } from './business-setup.js';

type Vat = NewProduct['vat_class'];

interface Line {
  /** `{brand}` and `{size}` are filled in. */
  name: string;
  brands: string[];
  /** Pack sizes with the price in shillings of the first brand; others vary a little. */
  sizes: Array<[size: string, shillings: number]>;
  vat: Vat;
  sku: string;
}

const packaged: Line[] = [
  { name: '{brand} Maize Flour {size}', brands: ['Jogoo', 'Pembe', 'Soko', 'Ndovu', 'Hostess'], sizes: [['1kg', 75], ['2kg', 145]], vat: 'zero_rated', sku: 'UNGA' },
  { name: '{brand} Wheat Flour {size}', brands: ['Exe', 'Ajab', 'Jimbi', 'Dola'], sizes: [['1kg', 95], ['2kg', 185]], vat: 'zero_rated', sku: 'NGANO' },
  { name: '{brand} Sugar {size}', brands: ['Mumias', 'Kabras', 'Sony', 'Nzoia'], sizes: [['1kg', 175], ['2kg', 345]], vat: 'standard', sku: 'SUK' },
  { name: '{brand} Rice {size}', brands: ['Daawat', 'Pishori Mwea', 'Sunrice'], sizes: [['1kg', 210], ['2kg', 400]], vat: 'exempt', sku: 'MCHELE' },
  { name: '{brand} Cooking Oil {size}', brands: ['Elianto', 'Fresh Fri', 'Rina', 'Golden Fry'], sizes: [['500ml', 190], ['1L', 360], ['2L', 700], ['5L', 1650]], vat: 'standard', sku: 'OIL' },
  { name: '{brand} Cooking Fat {size}', brands: ['Kimbo', 'Kasuku', 'Chipsy'], sizes: [['500g', 230], ['1kg', 440]], vat: 'standard', sku: 'FAT' },
  { name: '{brand} Fresh Milk {size}', brands: ['Brookside', 'KCC', 'Fresha', 'Tuzo'], sizes: [['500ml', 65], ['1L', 125]], vat: 'zero_rated', sku: 'MAZIWA' },
  { name: '{brand} Long Life Milk {size}', brands: ['Brookside', 'Tuzo'], sizes: [['500ml', 75]], vat: 'zero_rated', sku: 'UHT' },
  { name: '{brand} Yoghurt {size}', brands: ['Brookside', 'Daima', 'Bio'], sizes: [['250ml', 80], ['500ml', 150]], vat: 'standard', sku: 'YOG' },
  { name: '{brand} White Bread {size}', brands: ['Festive', 'Supaloaf', 'Broadways'], sizes: [['400g', 65], ['600g', 90]], vat: 'zero_rated', sku: 'MKATE' },
  { name: '{brand} Tea Leaves {size}', brands: ['Ketepa Pride', 'Kericho Gold', 'Fahari'], sizes: [['50g', 55], ['100g', 100], ['250g', 230]], vat: 'standard', sku: 'CHAI' },
  { name: '{brand} Drinking Chocolate {size}', brands: ['Cadbury', 'Milo'], sizes: [['100g', 220], ['200g', 410]], vat: 'standard', sku: 'COCOA' },
  { name: '{brand} Salt {size}', brands: ['Kensalt', 'Kitchen King'], sizes: [['500g', 25], ['1kg', 45]], vat: 'standard', sku: 'CHUMVI' },
  { name: '{brand} Margarine {size}', brands: ['Blue Band', 'Prestige'], sizes: [['250g', 150], ['500g', 285]], vat: 'standard', sku: 'MARG' },
  { name: '{brand} Bar Soap {size}', brands: ['Menengai', 'Sunlight', 'Jamaa', 'Kipande'], sizes: [['800g', 210], ['175g', 55]], vat: 'standard', sku: 'SABUNI' },
  { name: '{brand} Toilet Soap {size}', brands: ['Geisha', 'Protex', 'Dettol', 'Lux'], sizes: [['90g', 75], ['175g', 140]], vat: 'standard', sku: 'TSOAP' },
  { name: '{brand} Washing Powder {size}', brands: ['Omo', 'Ariel', 'Toss', 'Sunlight'], sizes: [['500g', 160], ['1kg', 310]], vat: 'standard', sku: 'POWDER' },
  { name: '{brand} Toothpaste {size}', brands: ['Colgate', 'Aquafresh', 'Close Up'], sizes: [['70g', 120], ['140g', 220]], vat: 'standard', sku: 'DAWA-MENO' },
  { name: '{brand} Soda {size}', brands: ['Coca-Cola', 'Fanta Orange', 'Sprite', 'Stoney Tangawizi'], sizes: [['300ml', 50], ['500ml', 70], ['1.25L', 130]], vat: 'standard', sku: 'SODA' },
  { name: '{brand} Drinking Water {size}', brands: ['Dasani', 'Keringet', 'Aquamist'], sizes: [['500ml', 50], ['1L', 80], ['5L', 250]], vat: 'standard', sku: 'MAJI' },
  { name: '{brand} Juice {size}', brands: ['Afia', 'Minute Maid', 'Pick n Peel'], sizes: [['500ml', 110], ['1L', 200]], vat: 'standard', sku: 'JUICE' },
  { name: '{brand} Spaghetti {size}', brands: ['Santa Lucia', 'Kings'], sizes: [['400g', 120]], vat: 'standard', sku: 'PASTA' },
  { name: '{brand} Stock Cubes {size}', brands: ['Royco', 'Maggi'], sizes: [['12 pack', 60], ['24 pack', 115]], vat: 'standard', sku: 'CUBES' },
  { name: '{brand} Mchuzi Mix {size}', brands: ['Royco'], sizes: [['75g', 45], ['200g', 110]], vat: 'standard', sku: 'MCHUZI' },
  { name: '{brand} Tomato Sauce {size}', brands: ['Peptang', 'Zesta', 'Heinz'], sizes: [['400g', 180]], vat: 'standard', sku: 'SAUCE' },
  { name: '{brand} Sanitary Pads {size}', brands: ['Always', 'Kotex', 'Softcare'], sizes: [['8 pack', 110]], vat: 'standard', sku: 'PADS' },
  { name: '{brand} Diapers {size}', brands: ['Pampers', 'Softcare', 'Huggies'], sizes: [['Small 10', 420], ['Medium 10', 450]], vat: 'standard', sku: 'DIAPER' },
  { name: '{brand} Tissue {size}', brands: ['Rosy', 'Hanan', 'Velvex'], sizes: [['1 roll', 35], ['10 rolls', 330]], vat: 'standard', sku: 'TISSUE' },
  { name: '{brand} Matches {size}', brands: ['Kasuku', 'Tiger'], sizes: [['10 boxes', 40]], vat: 'standard', sku: 'KIBIRITI' },
  { name: '{brand} Biscuits {size}', brands: ['Nuvita', 'Marie', 'Digestive', 'Glucose'], sizes: [['100g', 35], ['400g', 130]], vat: 'standard', sku: 'BISK' },
  { name: '{brand} Crisps {size}', brands: ['Tropical Heat', 'Pringles', 'Krackles'], sizes: [['50g', 60]], vat: 'standard', sku: 'CRISPS' },
  { name: '{brand} Body Lotion {size}', brands: ['Nivea', 'Vaseline', 'Zoe'], sizes: [['200ml', 280], ['400ml', 480]], vat: 'standard', sku: 'LOTION' },
  { name: '{brand} Petroleum Jelly {size}', brands: ['Vaseline', 'Rays'], sizes: [['100ml', 110], ['250ml', 230]], vat: 'standard', sku: 'JELLY' },
  { name: '{brand} Shoe Polish {size}', brands: ['Kiwi'], sizes: [['50ml Black', 95], ['50ml Brown', 95]], vat: 'standard', sku: 'POLISH' },
  { name: '{brand} Batteries {size}', brands: ['Eveready', 'Tiger Head'], sizes: [['AA 2 pack', 60], ['D 2 pack', 110]], vat: 'standard', sku: 'BETRI' },
];

/** Loose staples, priced per kg or per litre; the till weighs or measures them. */
const loose: Array<{ name: string; unit: 'gram' | 'millilitre'; shillingsPerKgOrL: number; vat: Vat; sku: string }> = [
  { name: 'Sugar (loose, per kg)', unit: 'gram', shillingsPerKgOrL: 170, vat: 'standard', sku: 'LOOSE-SUK' },
  { name: 'Pishori Rice (loose, per kg)', unit: 'gram', shillingsPerKgOrL: 220, vat: 'exempt', sku: 'LOOSE-PISHORI' },
  { name: 'Basmati Rice (loose, per kg)', unit: 'gram', shillingsPerKgOrL: 240, vat: 'exempt', sku: 'LOOSE-BASMATI' },
  { name: 'Rosecoco Beans (per kg)', unit: 'gram', shillingsPerKgOrL: 200, vat: 'exempt', sku: 'LOOSE-ROSECOCO' },
  { name: 'Nyayo Beans (per kg)', unit: 'gram', shillingsPerKgOrL: 190, vat: 'exempt', sku: 'LOOSE-NYAYO' },
  { name: 'Green Grams / Ndengu (per kg)', unit: 'gram', shillingsPerKgOrL: 230, vat: 'exempt', sku: 'LOOSE-NDENGU' },
  { name: 'Dry Maize (per kg)', unit: 'gram', shillingsPerKgOrL: 60, vat: 'exempt', sku: 'LOOSE-MAHINDI' },
  { name: 'Njahi / Black Beans (per kg)', unit: 'gram', shillingsPerKgOrL: 260, vat: 'exempt', sku: 'LOOSE-NJAHI' },
  { name: 'Groundnuts (per kg)', unit: 'gram', shillingsPerKgOrL: 300, vat: 'exempt', sku: 'LOOSE-NJUGU' },
  { name: 'Omena (per kg)', unit: 'gram', shillingsPerKgOrL: 400, vat: 'exempt', sku: 'LOOSE-OMENA' },
  { name: 'Cooking Oil (loose, per litre)', unit: 'millilitre', shillingsPerKgOrL: 330, vat: 'standard', sku: 'LOOSE-OIL' },
  { name: 'Paraffin (per litre)', unit: 'millilitre', shillingsPerKgOrL: 160, vat: 'standard', sku: 'LOOSE-PARAFFIN' },
];

/** Single items without brand variants. */
const singles: Array<[name: string, shillings: number, vat: Vat, sku: string]> = [
  ['Egg (single)', 15, 'exempt', 'EGG-1'],
  ['Eggs Tray (30)', 420, 'exempt', 'EGG-30'],
  ['Tomatoes (bunch)', 50, 'exempt', 'NYANYA'],
  ['Onions (bunch)', 40, 'exempt', 'VITUNGUU'],
  ['Sukuma Wiki (bunch)', 20, 'exempt', 'SUKUMA'],
  ['Bananas (each)', 10, 'exempt', 'NDIZI'],
  ['Mandazi', 10, 'standard', 'MANDAZI'],
  ['Chapati', 20, 'standard', 'CHAPATI'],
  ['Safaricom Scratch Card 100', 100, 'exempt', 'AIRTIME-100'],
  ['Charcoal Tin', 50, 'exempt', 'MAKAA'],
  ['Razor Blade', 10, 'standard', 'WEMBE'],
  ['Exercise Book 96pg', 45, 'zero_rated', 'DAFTARI'],
  ['Ballpoint Pen', 20, 'standard', 'KALAMU'],
  ['Candle', 15, 'standard', 'MSHUMAA'],
];

/** EAN-13 with its check digit. */
export function ean13(twelveDigits: string): string {
  if (!/^\d{12}$/.test(twelveDigits)) throw new Error('ean13 needs 12 digits');
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(twelveDigits[i]) * (i % 2 === 0 ? 1 : 3);
  return twelveDigits + String((10 - (sum % 10)) % 10);
}

/** Brands after the first cost a few shillings more or less, rounded to 5 shillings. */
function brandPrice(shillings: number, brandIndex: number): number {
  const delta = [0, 5, -5, 10, -3, 8][brandIndex % 6] as number;
  return Math.max(5, Math.round((shillings * (100 + delta)) / 100 / 5) * 5);
}

export function demoCatalog(): NewProduct[] {
  const out: NewProduct[] = [];
  let item = 0;
  const barcode = () => ean13(`616${String(100_000_000 + (item += 1) * 37).slice(-9)}`);
  for (const line of packaged) {
    line.brands.forEach((brand, brandIndex) => {
      for (const [size, shillings] of line.sizes) {
        const price = brandPrice(shillings, brandIndex) * 100;
        out.push({
          name: line.name.replace('{brand}', brand).replace('{size}', size),
          sku: `${line.sku}-${brand.replace(/[^A-Za-z]/g, '').slice(0, 4).toUpperCase()}-${size.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`,
          barcode: barcode(),
          price_cents: price,
          // Shop margins of 10–18 %.
          cost_cents: Math.round((price * (82 + ((brandIndex * 3) % 9))) / 100),
          vat_class: line.vat,
          unit: 'piece',
          stock_policy: 'allow_with_override',
        });
      }
    });
  }
  for (const staple of loose) {
    out.push({ name: staple.name, sku: staple.sku, barcode: null, price_cents: staple.shillingsPerKgOrL * 100, cost_cents: staple.shillingsPerKgOrL * 85, vat_class: staple.vat, unit: staple.unit, stock_policy: 'allow_with_override' });
  }
  for (const [name, shillings, vat, sku] of singles) {
    out.push({ name, sku, barcode: barcode(), price_cents: shillings * 100, cost_cents: shillings * 80, vat_class: vat, unit: 'piece', stock_policy: sku.startsWith('AIRTIME') ? 'block' : 'allow_with_override' });
  }
  return out;
}
