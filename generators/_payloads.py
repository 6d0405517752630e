"""The shapes of what we send: XDM ExperienceEvents in Edge (compatibility-mode) names and whole request bodies.

Key names follow the Edge Network payloads, not standard XDM: `_id` for `@id`, `_dc.language` for `dc:language`,
`_schema.latitude` for `schema:latitude` (Experience League, "Namespacing in XDM", compatibility mode).
Request bodies follow Adobe's OpenAPI (`SingleEventRequest`, `BatchV2Request`) plus the prose-only
`query.personalization`
(https://developer.adobe.com/data-collection-apis/docs/getting-started/personalization/).
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

# --- identities ---------------------------------------------------------------------------------------------


class IdentityItem(TypedDict):
    id: str
    authenticatedState: str  # ambiguous | authenticated | loggedOut (identityitem.schema.json)
    primary: bool


IdentityMap = dict[str, list[IdentityItem]]


# --- web, environment, device, place -------------------------------------------------------------------------


class Measure(TypedDict):
    value: int  # measure.schema.json requires `value` whenever the measure is present


class WebPageDetails(TypedDict):
    URL: str
    name: str
    siteSection: str
    server: str
    isHomePage: bool
    pageViews: NotRequired[Measure]


class WebInteraction(TypedDict):
    type: str  # download | exit | other (webinfo.schema.json)
    name: str
    URL: str
    region: str
    linkClicks: Measure


class WebReferrer(TypedDict):
    URL: str
    type: str  # internal | external | search_engine | email | social ... (webinfo.schema.json)


class Web(TypedDict):
    webPageDetails: WebPageDetails
    webInteraction: NotRequired[WebInteraction]
    webReferrer: NotRequired[WebReferrer]


class BrowserDetails(TypedDict):
    name: str
    vendor: str
    version: str
    userAgent: str
    acceptLanguage: str
    cookiesEnabled: bool
    javaScriptEnabled: bool
    viewportWidth: int
    viewportHeight: int


class DublinCore(TypedDict):
    language: str  # BCP 47 tag (environment.schema.json `dc:language` pattern)


class Environment(TypedDict):
    type: str
    browserDetails: BrowserDetails
    operatingSystem: str
    operatingSystemVersion: str
    operatingSystemVendor: str
    _dc: DublinCore
    ipV4: str


class Device(TypedDict):
    type: str
    manufacturer: NotRequired[str]
    model: NotRequired[str]
    screenWidth: int
    screenHeight: int
    screenOrientation: str  # portrait | landscape (device.schema.json)
    colorDepth: int


class Coordinates(TypedDict):
    latitude: float
    longitude: float


class Geo(TypedDict):
    countryCode: str
    stateProvince: NotRequired[str]
    city: str
    _schema: Coordinates


class PlaceContext(TypedDict):
    localTime: str
    localTimezoneOffset: int  # JavaScript getTimezoneOffset() sign: UTC-7 gives 420
    ianaTimezone: str
    geo: Geo


class Marketing(TypedDict):
    trackingCode: str
    campaignName: str
    campaignGroup: str


class ImplementationDetails(TypedDict):
    name: str  # a URI (implementationdetails.schema.json)
    version: str
    environment: str  # browser | app | server | iot


# --- commerce ------------------------------------------------------------------------------------------------


class ProductCategory(TypedDict):
    categoryID: str
    categoryName: str
    categoryPath: str


class ProductListItem(TypedDict):
    SKU: str  # required by productlistitem.schema.json
    name: str
    quantity: int
    priceTotal: float
    currencyCode: str
    productCategories: list[ProductCategory]


class PaymentItem(TypedDict):
    transactionID: str
    paymentAmount: float
    paymentType: str
    currencyCode: str


class Order(TypedDict):
    purchaseID: str
    currencyCode: str
    priceTotal: float
    payments: list[PaymentItem]


class Cart(TypedDict):
    cartID: str
    cartSource: str


class Commerce(TypedDict, total=False):
    productViews: Measure
    productListAdds: Measure
    checkouts: Measure
    purchases: Measure
    cart: Cart
    order: Order


# --- the event -----------------------------------------------------------------------------------------------

class XdmEvent(TypedDict):
    _id: str
    eventType: str
    timestamp: str
    identityMap: IdentityMap
    web: Web
    environment: Environment
    device: Device
    placeContext: PlaceContext
    implementationDetails: ImplementationDetails
    marketing: NotRequired[Marketing]
    commerce: NotRequired[Commerce]
    productListItems: NotRequired[list[ProductListItem]]

# --- request bodies ------------------------------------------------------------------------------------------

# Adobe's OpenAPI types `data` as string arrays (stricter than its own examples); we keep to it so generated
# bodies satisfy the official contract as well as the real service.
EventData = dict[str, list[str]]


class SingleEvent(TypedDict):
    xdm: XdmEvent
    data: EventData


class IdentityQuery(TypedDict):
    fetch: list[str]


class PersonalizationQuery(TypedDict):
    decisionScopes: list[str]
    surfaces: list[str]


class EventQuery(TypedDict, total=False):
    identity: IdentityQuery
    personalization: PersonalizationQuery


class StateMetadata(TypedDict):
    domain: str
    entries: list[dict[str, str]]


class RequestMetadata(TypedDict):
    state: StateMetadata


class InteractBody(TypedDict):
    """v2 interact: `SingleEventRequest`."""

    event: SingleEvent
    query: NotRequired[EventQuery]
    meta: NotRequired[RequestMetadata]


class CollectBody(TypedDict):
    """v2 collect: `BatchV2Request`."""

    events: list[SingleEvent]


class V1PersonalizationQuery(TypedDict):
    schemas: list[str]
    decisionScopes: list[str]
    surfaces: list[str]


class V1EventQuery(TypedDict):
    personalization: V1PersonalizationQuery


class V1Event(TypedDict):
    """One event as the Web SDK sends it: personalization is asked per event."""

    xdm: XdmEvent
    data: EventData
    query: NotRequired[V1EventQuery]


class V1RequestQuery(TypedDict):
    identity: IdentityQuery


class V1StateMetadata(TypedDict):
    domain: str
    cookiesEnabled: bool
    entries: NotRequired[list[dict[str, str]]]


class V1RequestMetadata(TypedDict):
    queueTimeMillis: int
    state: V1StateMetadata


class V1InteractBody(TypedDict):
    """v1 interact as the Web SDK sends it (generators._bodies)."""

    events: list[V1Event]
    query: V1RequestQuery
    meta: V1RequestMetadata
