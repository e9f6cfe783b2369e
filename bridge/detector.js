// Reads the product a page marks up: schema.org JSON-LD, microdata, then
// OpenGraph/product meta tags. Runs in the isolated world; every value from
// the page is treated as untrusted and cut to a bounded length. Evaluates to
// a JSON string.
(function () {
  "use strict";

  const MAX_TEXT = 500;
  const MAX_SCRIPT = 2000000;
  const MAX_NODES = 20000;
  const GTIN_KEYS = ["gtin13", "gtin12", "gtin14", "gtin8", "gtin", "ean", "isbn"];
  const PRODUCT_TYPES = ["product", "productgroup", "individualproduct", "productmodel", "vehicle", "book"];
  const AVAILABILITY = {
    instock: "InStock",
    available: "InStock",
    onlineonly: "OnlineOnly",
    instoreonly: "InStoreOnly",
    limitedavailability: "LimitedAvailability",
    outofstock: "OutOfStock",
    soldout: "SoldOut",
    unavailable: "OutOfStock",
    oos: "OutOfStock",
    discontinued: "Discontinued",
    preorder: "PreOrder",
    presale: "PreSale",
    backorder: "BackOrder",
    madetoorder: "MadeToOrder",
    reserved: "Reserved",
  };

  const text = (value) => {
    if (value === null || value === undefined) return null;
    if (typeof value === "number" && isFinite(value)) return String(value);
    if (typeof value === "object" && !Array.isArray(value)) {
      return text(value["@value"] !== undefined ? value["@value"] : value["@id"]);
    }
    if (Array.isArray(value)) return value.length ? text(value[0]) : null;
    if (typeof value !== "string") return null;
    const clean = value.replace(/\s+/g, " ").trim();
    return clean ? clean.slice(0, MAX_TEXT) : null;
  };

  const availability = (value) => {
    const raw = text(value);
    if (raw === null) return null;
    const last = raw.split(/[/#]/).filter(Boolean).pop() || "";
    const key = last.toLowerCase().replace(/[^a-z]/g, "");
    return AVAILABILITY[key] || null;
  };

  const list = (value) => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);

  const typesOf = (node) =>
    list(node["@type"] || node["type"]).filter((t) => typeof t === "string")
      .map((t) => t.split(/[/#:]/).pop().toLowerCase());

  const firstOf = (node, keys) => {
    for (const key of keys) {
      const value = text(node[key]);
      if (value !== null) return value;
    }
    return null;
  };

  // -- JSON-LD ---------------------------------------------------------------

  const parseJson = (source) => {
    try {
      return JSON.parse(source);
    } catch (error) {
      try {
        return JSON.parse(source.replace(/[\u0000-\u001f]+/g, " "));
      } catch (again) {
        return null;
      }
    }
  };

  const productNodes = (root) => {
    const found = [];
    const seen = new Set();
    const stack = [root];
    let visited = 0;
    while (stack.length && visited < MAX_NODES) {
      const node = stack.pop();
      visited += 1;
      if (node === null || typeof node !== "object" || seen.has(node)) continue;
      seen.add(node);
      if (Array.isArray(node)) {
        for (let i = node.length - 1; i >= 0; i -= 1) stack.push(node[i]);
        continue;
      }
      if (typesOf(node).some((t) => PRODUCT_TYPES.indexOf(t) >= 0)) found.push(node);
      for (const key of Object.keys(node)) {
        if (key === "offers" || key === "hasVariant") continue;
        const value = node[key];
        if (value !== null && typeof value === "object") stack.push(value);
      }
    }
    return found;
  };

  const offersOf = (product) => {
    const offers = [];
    for (const offer of list(product.offers)) {
      if (offer === null || typeof offer !== "object") continue;
      const types = typesOf(offer);
      if (types.indexOf("aggregateoffer") >= 0 && offer.offers) {
        offers.push(offer);
        for (const inner of list(offer.offers)) {
          if (inner && typeof inner === "object") offers.push(inner);
        }
      } else {
        offers.push(offer);
      }
    }
    return offers;
  };

  const priceOf = (offer) => {
    let price = firstOf(offer, ["price", "lowPrice", "highPrice"]);
    let currency = text(offer.priceCurrency);
    for (const spec of list(offer.priceSpecification)) {
      if (!spec || typeof spec !== "object") continue;
      if (price === null) price = firstOf(spec, ["price", "minPrice"]);
      if (currency === null) currency = text(spec.priceCurrency);
    }
    return { price, currency };
  };

  const fromJsonLdProduct = (product) => {
    const result = {
      name: text(product.name),
      sku: firstOf(product, ["sku", "productID", "mpn"]),
      gtin: firstOf(product, GTIN_KEYS),
      price: null,
      currency: null,
      availability: null,
      offers_count: 0,
    };
    let offers = offersOf(product);
    const variants = list(product.hasVariant).filter((v) => v && typeof v === "object");
    if (!offers.length && variants.length) {
      for (const variant of variants) offers = offers.concat(offersOf(variant));
      const first = variants[0];
      if (result.sku === null) result.sku = firstOf(first, ["sku", "productID", "mpn"]);
      if (result.gtin === null) result.gtin = firstOf(first, GTIN_KEYS);
    }
    const aggregate = offers.find((o) => typesOf(o).indexOf("aggregateoffer") >= 0);
    result.offers_count = offers.filter((o) => typesOf(o).indexOf("aggregateoffer") < 0).length;
    if (aggregate && !result.offers_count) {
      const count = parseInt(text(aggregate.offerCount) || "1", 10);
      result.offers_count = isFinite(count) && count > 0 ? Math.min(count, 100000) : 1;
    }
    for (const offer of offers) {
      const { price, currency } = priceOf(offer);
      if (result.price === null && price !== null) {
        result.price = price;
        result.currency = currency;
      }
      if (result.currency === null) result.currency = currency;
      if (result.availability === null) result.availability = availability(offer.availability);
      if (result.sku === null) result.sku = firstOf(offer, ["sku"]);
      if (result.gtin === null) result.gtin = firstOf(offer, GTIN_KEYS);
    }
    return result;
  };

  const score = (r) =>
    (r.price !== null ? 4 : 0) + (r.name !== null ? 2 : 0) + (r.sku !== null || r.gtin !== null ? 1 : 0);

  const fromJsonLd = () => {
    let best = null;
    const scripts = document.querySelectorAll('script[type="application/ld+json" i]');
    for (const script of Array.from(scripts).slice(0, 50)) {
      const source = script.textContent || "";
      if (source.length > MAX_SCRIPT) continue;
      const data = parseJson(source);
      if (data === null) continue;
      for (const product of productNodes(data)) {
        const result = fromJsonLdProduct(product);
        if (best === null || score(result) > score(best)) best = result;
      }
    }
    return best;
  };

  // -- microdata -------------------------------------------------------------

  const propValue = (element) => {
    const content = element.getAttribute("content");
    if (content !== null) return text(content);
    const tag = element.tagName.toLowerCase();
    if (tag === "link" || tag === "a") return text(element.getAttribute("href"));
    if (tag === "meta") return null;
    if (tag === "data" || tag === "input") return text(element.getAttribute("value"));
    if (tag === "img") return text(element.getAttribute("src"));
    return text(element.textContent);
  };

  const isProductScope = (element) =>
    (element.getAttribute("itemtype") || "").split(/\s+/)
      .some((t) => /\/(product|productgroup|individualproduct)$/i.test(t.replace(/\/+$/, "")));

  const microdataProps = (scope) => {
    const props = {};
    for (const element of scope.querySelectorAll("[itemprop]")) {
      // Skip properties of nested items other than offers of this product.
      let owner = element.parentElement ? element.parentElement.closest("[itemscope]") : null;
      while (owner && owner !== scope) {
        const as = (owner.getAttribute("itemprop") || "").toLowerCase();
        if (!/offers|offerdetails|pricespecification/.test(as) || isProductScope(owner)) break;
        owner = owner.parentElement ? owner.parentElement.closest("[itemscope]") : null;
      }
      if (owner !== scope) continue;
      for (const name of (element.getAttribute("itemprop") || "").split(/\s+/)) {
        const key = name.toLowerCase();
        if (!key || props[key] !== undefined) continue;
        if (element.hasAttribute("itemscope")) {
          if (key === "offers") props.offers_count = (props.offers_count || 0);
          continue;
        }
        const value = propValue(element);
        if (value !== null) props[key] = value;
      }
    }
    props.offers_count = scope.querySelectorAll(
      '[itemprop~="offers" i][itemscope], [itemprop~="offerDetails" i][itemscope]').length;
    return props;
  };

  const fromMicrodata = () => {
    const scopes = Array.from(document.querySelectorAll("[itemscope][itemtype]")).filter(isProductScope);
    let best = null;
    for (const scope of scopes.slice(0, 50)) {
      const p = microdataProps(scope);
      const result = {
        name: p.name || null,
        sku: p.sku || p.productid || p.mpn || null,
        gtin: GTIN_KEYS.map((k) => p[k]).find((v) => v) || null,
        price: p.price || p.lowprice || null,
        currency: p.pricecurrency || p.currency || null,
        availability: availability(p.availability),
        offers_count: p.offers_count,
      };
      if (best === null || score(result) > score(best)) best = result;
    }
    return best;
  };

  const looseItemprops = () => {
    const get = (name) => {
      const element = document.querySelector(`[itemprop="${name}" i]`);
      return element ? propValue(element) : null;
    };
    return { price: get("price"), currency: get("priceCurrency"), availability: availability(get("availability")) };
  };

  // -- OpenGraph / product meta tags ------------------------------------------

  const fromMeta = () => {
    const meta = {};
    for (const element of document.querySelectorAll("meta[property], meta[name]")) {
      const key = (element.getAttribute("property") || element.getAttribute("name") || "").toLowerCase().trim();
      const value = text(element.getAttribute("content"));
      if (key && value !== null && meta[key] === undefined) meta[key] = value;
    }
    const isProduct = /product/i.test(meta["og:type"] || "") ||
      meta["product:price:amount"] !== undefined || meta["og:price:amount"] !== undefined;
    if (!isProduct) return null;
    return {
      name: meta["og:title"] || null,
      sku: meta["product:retailer_item_id"] || meta["product:sku"] || null,
      gtin: meta["product:ean"] || meta["product:upc"] || meta["product:gtin"] || null,
      price: meta["product:price:amount"] || meta["og:price:amount"] || meta["product:sale_price:amount"] || null,
      currency: meta["product:price:currency"] || meta["og:price:currency"] || null,
      availability: availability(meta["product:availability"] || meta["og:availability"]),
      offers_count: 0,
    };
  };

  // -- merge -----------------------------------------------------------------

  const run = () => {
    const sources = [];
    const merged = {
      found: false, sources, name: null, sku: null, gtin: null, price: null,
      currency: null, availability: null, offers_count: 0,
    };
    const parts = [["jsonld", fromJsonLd], ["microdata", fromMicrodata], ["opengraph", fromMeta]];
    for (const [name, read] of parts) {
      let part = null;
      try {
        part = read();
      } catch (error) {
        part = null;
      }
      if (part === null) continue;
      sources.push(name);
      for (const key of ["name", "sku", "gtin", "availability"]) {
        if (merged[key] === null && part[key]) merged[key] = part[key];
      }
      if (merged.price === null && part.price) {
        merged.price = part.price;
        merged.currency = part.currency || merged.currency;
      }
      if (merged.currency === null && part.currency) merged.currency = part.currency;
      if (!merged.offers_count && part.offers_count) merged.offers_count = part.offers_count;
    }
    merged.found = sources.length > 0;
    if (merged.found && (merged.price === null || merged.currency === null || merged.availability === null)) {
      const loose = looseItemprops();
      if (merged.price === null) merged.price = loose.price;
      if (merged.currency === null) merged.currency = loose.currency;
      if (merged.availability === null) merged.availability = loose.availability;
    }
    return merged;
  };

  return JSON.stringify(run());
})();
