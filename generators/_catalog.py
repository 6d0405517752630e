"""The site visitors browse: a fictional store on example.com, its catalogue, and where its traffic comes from.

The host is `www.example.com` (RFC 2606 reserves it for examples), so a generated URL can never point at a
real shop. The defaults of personalization surfaces (`web://example.com/#hero`) refer to the same site.
"""

from __future__ import annotations

from dataclasses import dataclass

SITE_HOST = "www.example.com"
SITE_ORIGIN = f"https://{SITE_HOST}"
CURRENCY = "USD"  # one storefront selling in US dollars worldwide keeps order totals comparable across visitors


@dataclass(frozen=True, slots=True)
class Category:
    category_id: str
    name: str
    path: str
    section: str
    items: tuple[str, ...]
    price_range: tuple[int, int]  # whole dollars


# An invented catalogue of generic retail nouns for a fictional apparel and home store (no real brands);
# price ranges are typical of mid-market retailers, rounded.
CATEGORIES: tuple[Category, ...] = (
    Category("women-dresses", "Dresses", "women/clothing/dresses", "women",
             ("Wrap Dress", "Midi Dress", "Shirt Dress", "Maxi Dress", "Slip Dress"), (39, 149)),
    Category("women-tops", "Tops", "women/clothing/tops", "women",
             ("Blouse", "Tank Top", "Knit Top", "T-Shirt", "Cardigan"), (19, 79)),
    Category("men-shirts", "Shirts", "men/clothing/shirts", "men",
             ("Oxford Shirt", "Linen Shirt", "Flannel Shirt", "Polo Shirt", "Overshirt"), (29, 89)),
    Category("men-trousers", "Trousers", "men/clothing/trousers", "men",
             ("Chinos", "Slim Jeans", "Cargo Trousers", "Wool Trousers", "Joggers"), (39, 129)),
    Category("kids-outerwear", "Outerwear", "kids/clothing/outerwear", "kids",
             ("Rain Jacket", "Puffer Jacket", "Fleece Jacket", "Parka"), (29, 99)),
    Category("shoes", "Shoes", "shoes", "shoes",
             ("Running Shoes", "Leather Boots", "Canvas Sneakers", "Sandals", "Loafers"), (49, 199)),
    Category("home-bedding", "Bedding", "home/bedding", "home",
             ("Duvet Cover", "Linen Sheet Set", "Pillowcase Pair", "Throw Blanket", "Quilt"), (25, 189)),
    Category("home-kitchen", "Kitchen", "home/kitchen", "home",
             ("Chef's Knife", "Cast Iron Skillet", "Ceramic Mug Set", "Pour-Over Kettle", "Linen Apron"), (15, 149)),
    Category("accessories", "Accessories", "accessories", "accessories",
             ("Leather Belt", "Wool Scarf", "Canvas Tote", "Sunglasses", "Beanie"), (15, 119)),
)

# Invented product-name modifiers (generic retail vocabulary).
MATERIALS = ("Organic Cotton", "Recycled", "Merino", "Linen", "Everyday", "Heritage", "Lightweight", "Relaxed")
COLOURS = ("Navy", "Black", "Olive", "Sand", "Rust", "Heather Grey", "Ivory", "Forest Green", "Burgundy", "Denim")

# Content pages of the fictional store: (path, page name, site section). Invented, after the usual retail IA.
CONTENT_PAGES: tuple[tuple[str, str, str], ...] = (
    ("/help/shipping", "help:shipping", "help"),
    ("/help/returns", "help:returns", "help"),
    ("/help/size-guide", "help:size guide", "help"),
    ("/stores", "store locator", "stores"),
    ("/about", "about us", "about"),
    ("/blog/how-to-layer-for-autumn", "blog:how to layer for autumn", "blog"),
    ("/blog/caring-for-linen", "blog:caring for linen", "blog"),
    ("/blog/a-capsule-wardrobe", "blog:a capsule wardrobe", "blog"),
)
SEARCH_TERMS = ("linen shirt", "dress", "boots", "duvet", "gift", "sale", "jacket", "mug", "jeans", "scarf")

# Links that leave the page without loading one of ours: (type, name, URL, region). Exit links point at the
# store's (fictional) social profiles; downloads at documents on the store's own host.
OUTBOUND_LINKS: tuple[tuple[str, str, str, str], ...] = (
    ("exit", "footer:instagram", "https://www.instagram.com/example", "footer"),
    ("exit", "footer:facebook", "https://www.facebook.com/example", "footer"),
    ("exit", "footer:pinterest", "https://www.pinterest.com/example", "footer"),
    ("download", "size guide pdf", f"{SITE_ORIGIN}/assets/size-guide.pdf", "main"),
    ("download", "returns form pdf", f"{SITE_ORIGIN}/assets/returns-form.pdf", "main"),
    ("download", "care instructions pdf", f"{SITE_ORIGIN}/assets/care-instructions.pdf", "product-detail"),
)
NAV_REGIONS = ("header", "main", "footer", "product-detail")

# Referrers, by the origin a browser reveals under the default `strict-origin-when-cross-origin` policy.
# Search engines by country: StatCounter "Search Engine Market Share" (Naver in Korea, Baidu in China, Yahoo!
# JAPAN alongside Google in Japan); social networks: StatCounter "Social Media Stats".
SEARCH_ENGINES_DEFAULT = ("https://www.google.com/",) * 9 + ("https://www.bing.com/", "https://duckduckgo.com/")
SEARCH_ENGINES_BY_COUNTRY: dict[str, tuple[str, ...]] = {
    "KR": ("https://search.naver.com/", "https://search.naver.com/", "https://www.google.com/"),
    "CN": ("https://www.baidu.com/", "https://www.baidu.com/", "https://www.bing.com/"),
    "JP": ("https://www.google.co.jp/", "https://www.google.co.jp/", "https://search.yahoo.co.jp/"),
}
SOCIAL_REFERRERS = (
    "https://l.facebook.com/", "https://l.instagram.com/", "https://t.co/", "https://www.pinterest.com/",
    "https://www.reddit.com/", "https://www.youtube.com/", "https://www.linkedin.com/",
)
EMAIL_REFERRERS = ("https://mail.google.com/", "https://outlook.live.com/", "https://mail.yahoo.com/")


@dataclass(frozen=True, slots=True)
class Campaign:
    channel: str  # the traffic source that carries it: search | social | email
    tracking_code: str
    name: str
    group: str


# Invented campaigns; tracking codes follow the common `channel:campaign:placement` convention of Adobe
# Analytics implementations (the `cid` query parameter).
CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign("search", "sem:brand:google", "Brand Search", "Always On"),
    Campaign("search", "sem:summer-sale:google", "Summer Sale 2025", "Seasonal"),
    Campaign("social", "soc:summer-sale:instagram", "Summer Sale 2025", "Seasonal"),
    Campaign("social", "soc:new-arrivals:facebook", "New Arrivals", "Product Launch"),
    Campaign("email", "em:newsletter:weekly", "Weekly Newsletter", "CRM"),
    Campaign("email", "em:winback:30d", "Win-back 30 days", "CRM"),
    Campaign("email", "em:summer-sale:hero", "Summer Sale 2025", "Seasonal"),
)

# How visitors arrive: (source, weight, share of those arrivals that carry a campaign). Invented shares in the
# range retail analytics benchmarks report (direct and organic search dominate).
TRAFFIC_SOURCES: tuple[tuple[str, int, float], ...] = (
    ("direct", 35, 0.0),
    ("search", 38, 0.25),
    ("social", 15, 0.4),
    ("email", 12, 0.9),
)

PAYMENT_TYPES = ("credit_card", "credit_card", "credit_card", "paypal", "gift_card")  # invented shares
