/**
 * Static vocabulary for seeding: names, places, products and marketing copy. Email domains are
 * reserved (RFC 2606 / RFC 6761) and phone numbers come from fictional ranges (NANP 555-01XX,
 * Ofcom 07700 900XXX) so seeded data can never reach a real person if it is loaded elsewhere.
 */

// biome-ignore format: a compact table
export const FIRST_NAMES = [
  "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Ava", "Elijah", "Sophia", "James",
  "Isabella", "William", "Mia", "Benjamin", "Evelyn", "Lucas", "Harper", "Henry", "Luna", "Theodore",
  "Camila", "Jack", "Gianna", "Levi", "Elizabeth", "Alexander", "Eleanor", "Jackson", "Ella", "Mateo",
  "Abigail", "Daniel", "Sofia", "Michael", "Avery", "Mason", "Scarlett", "Sebastian", "Emily", "Ethan",
  "Aria", "Logan", "Penelope", "Owen", "Chloe", "Samuel", "Layla", "Jacob", "Mila", "Asher",
  "Nora", "Aiden", "Hazel", "John", "Madison", "Joseph", "Ellie", "Wyatt", "Lily", "David",
  "Nova", "Leo", "Isla", "Luke", "Grace", "Julian", "Violet", "Hudson", "Aurora", "Grayson",
  "Riley", "Matthew", "Zoey", "Ezra", "Willow", "Gabriel", "Emilia", "Carter", "Stella", "Isaac",
  "Zoe", "Jayden", "Victoria", "Luca", "Hannah", "Anthony", "Addison", "Dylan", "Leah", "Lincoln",
  "Lucy", "Thomas", "Eliana", "Maverick", "Ivy", "Elias", "Everly", "Josiah", "Lillian", "Charles",
  "Priya", "Arjun", "Mei", "Wei", "Yuki", "Hiro", "Fatima", "Omar", "Aisha", "Yusuf",
  "Chiara", "Marco", "Ingrid", "Lars", "Siobhan", "Cian", "Amara", "Kwame", "Lucía", "Diego",
  "Zara", "Rohan", "Ana", "João", "Chloé", "Élodie", "Jürgen", "Anneke", "Søren", "Niamh",
] as const;

// biome-ignore format: a compact table
export const LAST_NAMES = [
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
  "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
  "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
  "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
  "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
  "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
  "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper",
  "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
  "Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
  "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez",
  "O'Brien", "MacDonald", "Schmidt", "Müller", "Fischer", "Rossi", "Bianchi", "Dubois", "Lefèvre", "Kowalski",
  "Nowak", "Andersson", "Johansson", "Jensen", "Hansen", "Tanaka", "Suzuki", "Wang", "Li", "Zhang",
  "Chen", "Singh", "Kumar", "Shah", "Okafor", "Mensah", "Silva", "Santos", "Costa", "Byrne",
] as const;

/** Lower-case ASCII form of a name, for email local parts. */
export function asciiLower(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z]/g, "")
    .toLowerCase();
}

/** Reserved domains that look like consumer mailboxes and a few businesses. */
export const EMAIL_DOMAINS = [
  "example.com",
  "example.net",
  "example.org",
  "mail.example",
  "inbox.example",
  "webmail.example",
] as const;
export const EMAIL_DOMAIN_WEIGHTS = [38, 20, 12, 14, 10, 6] as const;

export const COMPANIES = [
  { name: "Acme Outfitters", domain: "acme-outfitters.example" },
  { name: "Globex Retail", domain: "globex.example" },
  { name: "Initech Supplies", domain: "initech.example" },
  { name: "Umbrella Boutique", domain: "umbrella-boutique.example" },
  { name: "Stark Home Goods", domain: "starkhome.example" },
  { name: "Wayne Interiors", domain: "wayne-interiors.example" },
] as const;
export const TITLES = [
  "Buyer",
  "Purchasing Manager",
  "Store Owner",
  "Merchandiser",
  "Operations Lead",
] as const;

export interface City {
  city: string;
  region: string;
  country: string;
  latitude: number;
  longitude: number;
  timezone: string;
  locale: string;
  zips: readonly string[];
  /** NANP area codes (US/CA) or `uk` for UK mobiles; empty when no fictional range is used. */
  areaCodes: readonly string[];
  weight: number;
}

const us = (
  city: string,
  region: string,
  latitude: number,
  longitude: number,
  timezone: string,
  zips: string[],
  areaCodes: string[],
  weight: number,
): City => ({
  city,
  region,
  country: "United States",
  latitude,
  longitude,
  timezone,
  locale: "en-US",
  zips,
  areaCodes,
  weight,
});

// biome-ignore format: a compact table
export const CITIES: readonly City[] = [
  us("New York", "NY", 40.7128, -74.006, "America/New_York", ["10001", "10011", "10024", "11201", "11215"], ["212", "646", "718", "917"], 9),
  us("Los Angeles", "CA", 34.0522, -118.2437, "America/Los_Angeles", ["90012", "90026", "90036", "90066"], ["213", "310", "323", "424"], 7),
  us("Chicago", "IL", 41.8781, -87.6298, "America/Chicago", ["60601", "60614", "60622", "60657"], ["312", "773", "872"], 5),
  us("Houston", "TX", 29.7604, -95.3698, "America/Chicago", ["77002", "77006", "77019"], ["713", "281", "832"], 4),
  us("Phoenix", "AZ", 33.4484, -112.074, "America/Phoenix", ["85004", "85016", "85018"], ["602", "480", "623"], 3),
  us("Philadelphia", "PA", 39.9526, -75.1652, "America/New_York", ["19103", "19106", "19147"], ["215", "267"], 3),
  us("San Antonio", "TX", 29.4241, -98.4936, "America/Chicago", ["78205", "78209"], ["210", "726"], 2),
  us("San Diego", "CA", 32.7157, -117.1611, "America/Los_Angeles", ["92101", "92103", "92109"], ["619", "858"], 3),
  us("Dallas", "TX", 32.7767, -96.797, "America/Chicago", ["75201", "75204", "75206"], ["214", "469", "972"], 3),
  us("Austin", "TX", 30.2672, -97.7431, "America/Chicago", ["78701", "78704", "78751"], ["512", "737"], 3),
  us("Seattle", "WA", 47.6062, -122.3321, "America/Los_Angeles", ["98101", "98103", "98122"], ["206", "425"], 3),
  us("Denver", "CO", 39.7392, -104.9903, "America/Denver", ["80202", "80206", "80218"], ["303", "720"], 3),
  us("Boston", "MA", 42.3601, -71.0589, "America/New_York", ["02108", "02116", "02118", "02139"], ["617", "857"], 3),
  us("Atlanta", "GA", 33.749, -84.388, "America/New_York", ["30303", "30308", "30312"], ["404", "470", "678"], 3),
  us("Miami", "FL", 25.7617, -80.1918, "America/New_York", ["33125", "33131", "33139"], ["305", "786"], 3),
  us("Portland", "OR", 45.5152, -122.6784, "America/Los_Angeles", ["97201", "97209", "97214"], ["503", "971"], 2),
  us("Minneapolis", "MN", 44.9778, -93.265, "America/Chicago", ["55401", "55405", "55408"], ["612"], 2),
  us("Nashville", "TN", 36.1627, -86.7816, "America/Chicago", ["37203", "37206"], ["615", "629"], 2),
  us("Charlotte", "NC", 35.2271, -80.8431, "America/New_York", ["28202", "28203"], ["704", "980"], 2),
  us("San Francisco", "CA", 37.7749, -122.4194, "America/Los_Angeles", ["94103", "94110", "94117"], ["415", "628"], 3),
  us("Columbus", "OH", 39.9612, -82.9988, "America/New_York", ["43215", "43201"], ["614", "380"], 2),
  us("Detroit", "MI", 42.3314, -83.0458, "America/Detroit", ["48201", "48226"], ["313"], 1),
  us("Salt Lake City", "UT", 40.7608, -111.891, "America/Denver", ["84101", "84102"], ["801", "385"], 1),
  us("Kansas City", "MO", 39.0997, -94.5786, "America/Chicago", ["64105", "64111"], ["816"], 1),
  us("Raleigh", "NC", 35.7796, -78.6382, "America/New_York", ["27601", "27605"], ["919", "984"], 1),
  us("New Orleans", "LA", 29.9511, -90.0715, "America/Chicago", ["70112", "70130"], ["504"], 1),
  us("Pittsburgh", "PA", 40.4406, -79.9959, "America/New_York", ["15213", "15222"], ["412"], 1),
  us("Las Vegas", "NV", 36.1699, -115.1398, "America/Los_Angeles", ["89101", "89109"], ["702", "725"], 1),
  us("Honolulu", "HI", 21.3069, -157.8583, "Pacific/Honolulu", ["96813", "96815"], ["808"], 1),
  us("Anchorage", "AK", 61.2181, -149.9003, "America/Anchorage", ["99501"], ["907"], 1),
  {
    city: "Toronto", region: "ON", country: "Canada", latitude: 43.6532, longitude: -79.3832,
    timezone: "America/Toronto", locale: "en-CA", zips: ["M5V 2T6", "M4C 1B5", "M6J 1H4"],
    areaCodes: ["416", "647"], weight: 3,
  },
  {
    city: "Vancouver", region: "BC", country: "Canada", latitude: 49.2827, longitude: -123.1207,
    timezone: "America/Vancouver", locale: "en-CA", zips: ["V6B 1A1", "V5K 0A1"],
    areaCodes: ["604", "778"], weight: 2,
  },
  {
    city: "Montreal", region: "QC", country: "Canada", latitude: 45.5017, longitude: -73.5673,
    timezone: "America/Toronto", locale: "fr-CA", zips: ["H2X 1Y4", "H3B 2Y5"],
    areaCodes: ["514", "438"], weight: 2,
  },
  {
    city: "London", region: "England", country: "United Kingdom", latitude: 51.5072, longitude: -0.1276,
    timezone: "Europe/London", locale: "en-GB", zips: ["SW1A 1AA", "E1 6AN", "N1 9GU", "SE1 7PB"],
    areaCodes: ["uk"], weight: 4,
  },
  {
    city: "Manchester", region: "England", country: "United Kingdom", latitude: 53.4808, longitude: -2.2426,
    timezone: "Europe/London", locale: "en-GB", zips: ["M1 1AE", "M4 5JD"], areaCodes: ["uk"], weight: 1,
  },
  {
    city: "Edinburgh", region: "Scotland", country: "United Kingdom", latitude: 55.9533, longitude: -3.1883,
    timezone: "Europe/London", locale: "en-GB", zips: ["EH1 1YZ", "EH8 9YL"], areaCodes: ["uk"], weight: 1,
  },
  {
    city: "Dublin", region: "Leinster", country: "Ireland", latitude: 53.3498, longitude: -6.2603,
    timezone: "Europe/Dublin", locale: "en-IE", zips: ["D02 X285", "D08 VF8H"], areaCodes: [], weight: 1,
  },
  {
    city: "Sydney", region: "NSW", country: "Australia", latitude: -33.8688, longitude: 151.2093,
    timezone: "Australia/Sydney", locale: "en-AU", zips: ["2000", "2010", "2026"], areaCodes: [], weight: 2,
  },
  {
    city: "Melbourne", region: "VIC", country: "Australia", latitude: -37.8136, longitude: 144.9631,
    timezone: "Australia/Melbourne", locale: "en-AU", zips: ["3000", "3065"], areaCodes: [], weight: 1,
  },
  {
    city: "Berlin", region: "Berlin", country: "Germany", latitude: 52.52, longitude: 13.405,
    timezone: "Europe/Berlin", locale: "de-DE", zips: ["10115", "10243", "10999"], areaCodes: [], weight: 1,
  },
  {
    city: "Auckland", region: "Auckland", country: "New Zealand", latitude: -36.8485, longitude: 174.7633,
    timezone: "Pacific/Auckland", locale: "en-NZ", zips: ["1010", "1021"], areaCodes: [], weight: 1,
  },
];

// biome-ignore format: a compact table
export const STREETS = [
  "Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Park Ave", "Elm St", "Washington Blvd", "Lake Shore Dr",
  "Pine St", "Sunset Blvd", "High St", "Church Rd", "Mill Ln", "River Rd", "Hillcrest Ave", "Broadway",
  "Market St", "King St", "Queen St", "Harbour Rd",
] as const;

export interface CategorySeed {
  key: string;
  name: string;
}

export const CATEGORIES: readonly CategorySeed[] = [
  { key: "APPAREL", name: "Apparel" },
  { key: "FOOTWEAR", name: "Footwear" },
  { key: "ACCESSORIES", name: "Accessories" },
  { key: "HOME", name: "Home & Living" },
  { key: "BEAUTY", name: "Beauty" },
  { key: "OUTDOOR", name: "Outdoor" },
];

export interface ProductSeed {
  title: string;
  /** Index into CATEGORIES, plus optional secondary category. */
  categories: readonly number[];
  brand: string;
  price: number;
  /** Variant axis: sizes, colours or a single default variant. */
  options: readonly string[];
  material?: string;
}

const SIZES = ["XS", "S", "M", "L", "XL"] as const;
const SHOE = ["7", "8", "9", "10", "11"] as const;

// biome-ignore format: a compact table
export const PRODUCTS: readonly ProductSeed[] = [
  { title: "Classic Crewneck Sweater", categories: [0], brand: "Northbound", price: 68, options: SIZES, material: "Merino wool" },
  { title: "Everyday Organic Tee", categories: [0], brand: "Northbound", price: 24, options: SIZES, material: "Organic cotton" },
  { title: "Relaxed Linen Shirt", categories: [0], brand: "Harbor & Pine", price: 58, options: SIZES, material: "Linen" },
  { title: "Slim Stretch Chinos", categories: [0], brand: "Harbor & Pine", price: 72, options: ["28", "30", "32", "34", "36"] },
  { title: "Quilted Puffer Jacket", categories: [0, 5], brand: "Summit Supply", price: 189, options: SIZES },
  { title: "Fleece Half-Zip", categories: [0, 5], brand: "Summit Supply", price: 79, options: SIZES },
  { title: "High-Rise Straight Jeans", categories: [0], brand: "Indigo Row", price: 98, options: ["24", "26", "28", "30", "32"] },
  { title: "Ribbed Knit Beanie", categories: [2], brand: "Northbound", price: 28, options: ["Charcoal", "Oat", "Forest"] },
  { title: "Leather Weekender Bag", categories: [2], brand: "Hollis", price: 245, options: ["Tan", "Black"], material: "Full-grain leather" },
  { title: "Canvas Tote", categories: [2], brand: "Hollis", price: 38, options: ["Natural", "Navy"] },
  { title: "Polarized Sunglasses", categories: [2, 5], brand: "Solstice", price: 120, options: ["Tortoise", "Matte Black"] },
  { title: "Minimalist Watch", categories: [2], brand: "Meridian", price: 165, options: ["Silver", "Gold", "Black"] },
  { title: "Wool Scarf", categories: [2], brand: "Northbound", price: 45, options: ["Camel", "Grey", "Plaid"] },
  { title: "Trail Running Shoes", categories: [1, 5], brand: "Summit Supply", price: 135, options: SHOE },
  { title: "Everyday Sneakers", categories: [1], brand: "Stride Co.", price: 95, options: SHOE },
  { title: "Suede Chelsea Boots", categories: [1], brand: "Stride Co.", price: 178, options: SHOE, material: "Suede" },
  { title: "Slide Sandals", categories: [1], brand: "Stride Co.", price: 42, options: SHOE },
  { title: "Wool Hiking Socks (3-pack)", categories: [1, 5], brand: "Summit Supply", price: 26, options: ["S/M", "L/XL"] },
  { title: "Stoneware Mug Set", categories: [3], brand: "Kiln & Co.", price: 48, options: ["Speckled", "Matte White"] },
  { title: "Linen Duvet Cover", categories: [3], brand: "Harbor & Pine", price: 159, options: ["Queen", "King"], material: "Linen" },
  { title: "Soy Wax Candle", categories: [3], brand: "Ember", price: 32, options: ["Cedar", "Fig", "Sea Salt"] },
  { title: "Cotton Throw Blanket", categories: [3], brand: "Kiln & Co.", price: 85, options: ["Oat", "Rust", "Sage"] },
  { title: "Ceramic Planter", categories: [3], brand: "Kiln & Co.", price: 36, options: ["Small", "Large"] },
  { title: "Waffle Bath Towels", categories: [3], brand: "Harbor & Pine", price: 64, options: ["White", "Stone"] },
  { title: "French Press", categories: [3], brand: "Ember", price: 55, options: ["Default"] },
  { title: "Hydrating Face Serum", categories: [4], brand: "Lumen", price: 44, options: ["30 ml", "50 ml"] },
  { title: "Daily Mineral Sunscreen SPF 30", categories: [4, 5], brand: "Lumen", price: 29, options: ["Default"] },
  { title: "Botanical Hand Cream", categories: [4], brand: "Ember", price: 18, options: ["Lavender", "Unscented"] },
  { title: "Clay Detox Mask", categories: [4], brand: "Lumen", price: 34, options: ["Default"] },
  { title: "Cedar Beard Oil", categories: [4], brand: "Ember", price: 22, options: ["Default"] },
  { title: "Insulated Water Bottle", categories: [5], brand: "Summit Supply", price: 35, options: ["20 oz", "32 oz"] },
  { title: "Packable Rain Shell", categories: [5, 0], brand: "Summit Supply", price: 129, options: SIZES },
  { title: "Camp Hammock", categories: [5], brand: "Summit Supply", price: 69, options: ["Olive", "Sky"] },
  { title: "Lightweight Daypack", categories: [5, 2], brand: "Hollis", price: 89, options: ["Black", "Sand"] },
  { title: "Enamel Camp Mug", categories: [5, 3], brand: "Kiln & Co.", price: 16, options: ["Default"] },
  { title: "Gift Card", categories: [2], brand: "Emulated Store", price: 50, options: ["$25", "$50", "$100"] },
];

/** Email campaign themes: name stem, subject, preview text. */
export const EMAIL_THEMES = [
  ["New Arrivals", "Just landed: {season} new arrivals", "Fresh styles for the {season} ahead."],
  ["Weekend Sale", "This weekend only: 20% off everything", "Use code WEEKEND20 at checkout."],
  ["Customer Favourites", "Our most-loved picks this month", "See what everyone is buying."],
  ["Restock Alert", "Back in stock (and going fast)", "The favourites you asked for are back."],
  ["Style Guide", "5 ways to wear it this {season}", "Our stylists' guide to the season."],
  ["Free Shipping", "Free shipping ends tonight", "No minimum. Just today."],
  ["Members Early Access", "You're in: early access starts now", "VIPs shop first."],
  ["Gift Guide", "The gift guide is here", "Something for everyone on your list."],
  ["Last Chance", "Last chance: sale ends at midnight", "Final hours to save up to 40%."],
  ["Product Spotlight", "Meet the {product}", "Designed to last, made to be worn."],
  ["Sustainability Update", "How we're reducing our footprint", "Our {year} progress report."],
  ["Loyalty Rewards", "Your points are waiting", "Redeem rewards on your next order."],
] as const;

// biome-ignore format: a compact table
export const SEASONAL_CAMPAIGNS = [
  { month: 10, day: 24, name: "Black Friday Preview", subject: "Black Friday starts early for you", preview: "Up to 50% off, 48 hours before everyone else." },
  { month: 10, day: 28, name: "Black Friday", subject: "Black Friday is ON: up to 50% off", preview: "Our biggest sale of the year." },
  { month: 11, day: 1, name: "Cyber Monday", subject: "Cyber Monday: extra 15% off sitewide", preview: "Stack it with sale prices." },
  { month: 11, day: 15, name: "Holiday Shipping Deadline", subject: "Order by Dec 18 for holiday delivery", preview: "Don't miss the cutoff." },
  { month: 0, day: 2, name: "New Year Sale", subject: "New year, new favourites: 30% off", preview: "Start the year with something new." },
  { month: 1, day: 7, name: "Valentine's Day Gifts", subject: "Gifts they'll love (and keep)", preview: "Ships in time for Feb 14." },
  { month: 4, day: 5, name: "Mother's Day", subject: "For the one who does it all", preview: "Thoughtful gifts, ready to ship." },
  { month: 6, day: 10, name: "Summer Sale", subject: "Summer Sale: up to 40% off", preview: "Sun's out, deals are too." },
] as const;

export const SMS_BODIES = [
  "Emulated Store: Flash sale! 25% off for the next 24 hours. Shop now: {url}",
  "Emulated Store: New arrivals just dropped. Be the first to shop: {url}",
  "Emulated Store: Your VIP early access is live. Tap to shop: {url}",
  "Emulated Store: Free shipping on every order today only. {url}",
  "Emulated Store: Last chance! Sale ends at midnight. {url}",
] as const;

export const PUSH_MESSAGES = [
  ["New drop", "The {season} collection is here. Take a look."],
  ["Ends tonight", "Free shipping ends at midnight."],
  ["Back in stock", "Your favourites are back. Grab them before they go."],
] as const;

export const EMAIL_CLIENTS = ["Apple Mail", "Gmail", "Outlook", "Yahoo Mail", "Samsung Email"] as const;
export const BROWSERS = ["Chrome", "Safari", "Firefox", "Edge", "Samsung Internet"] as const;
export const OPERATING_SYSTEMS = ["iOS", "Android", "macOS", "Windows"] as const;
export const PAGES = [
  "/",
  "/collections/new",
  "/collections/sale",
  "/pages/about",
  "/cart",
  "/account",
] as const;

export const STORE_URL = "https://emulated-store.test";
export const SENDER_EMAIL = "hello@emulated-store.test";
export const SENDER_NAME = "Emulated Store";
