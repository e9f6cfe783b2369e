// The shop's behaviour: quantity stepper, add to basket, stock nearby and
// the basket badge. Everything that talks to the till goes through
// window.openAisle, which the app provides; opened in a plain browser the
// page still reads fine and says what is missing.

const BRIDGE_WAIT_MS = 2000;
const BRIDGE_POLL_MS = 50;
const READY_WAIT_MS = 5000;
const MAX_QUANTITY = 99;
const SYMBOLS = { GBP: "£", EUR: "€", USD: "$" };
const MINOR_DIGITS = { JPY: 0, KRW: 0, ISK: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };

function formatMoney(money) {
  if (!money || !Number.isInteger(money.amount)) {
    return "";
  }
  const currency = String(money.currency || "");
  const digits = MINOR_DIGITS[currency] ?? 2;
  const scale = 10 ** digits;
  const sign = money.amount < 0 ? "-" : "";
  const absolute = Math.abs(money.amount);
  const whole = Math.trunc(absolute / scale);
  const fraction = String(absolute % scale).padStart(digits, "0");
  const number = digits === 0 ? String(whole) : `${whole}.${fraction}`;
  const symbol = SYMBOLS[currency];
  return symbol ? `${sign}${symbol}${number}` : `${sign}${currency} ${number}`;
}

function waitForBridge() {
  return new Promise((resolve) => {
    const started = Date.now();
    const look = () => {
      if (window.openAisle) {
        resolve(window.openAisle);
      } else if (Date.now() - started >= BRIDGE_WAIT_MS) {
        resolve(null);
      } else {
        setTimeout(look, BRIDGE_POLL_MS);
      }
    };
    look();
  });
}

function reasonOf(error) {
  let text = "unknown error";
  if (error && typeof error.message === "string" && error.message) {
    text = error.message;
  } else if (typeof error === "string" && error) {
    text = error;
  }
  return text.replace(/^openAisle: /, "");
}

function withTimeout(promise, ms, message) {
  let timer = null;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function showNotice(text) {
  const notice = document.getElementById("app-notice");
  if (notice) {
    notice.textContent = text;
    notice.hidden = false;
  }
}

function updateBadge(basket, bump = true) {
  const badge = document.querySelector("[data-basket-count]");
  if (!badge || !basket || !Number.isInteger(basket.count)) {
    return;
  }
  badge.textContent = String(basket.count);
  badge.hidden = basket.count === 0;
  // Read out whole by screen readers, and kept current with every change.
  const link = badge.closest("a");
  if (link) {
    const total = formatMoney(basket.total);
    const items = basket.count === 1 ? "item" : "items";
    link.setAttribute("aria-label", `Basket: ${basket.count} ${items}${total ? `, ${total}` : ""}`);
  }
  if (bump) {
    badge.classList.remove("bump");
    void badge.offsetWidth;
    badge.classList.add("bump");
  }
}

function setupStepper(form) {
  const input = form.querySelector("[data-quantity]");
  const clamp = (value) => Math.min(MAX_QUANTITY, Math.max(1, value || 1));
  for (const button of form.querySelectorAll("[data-step]")) {
    button.addEventListener("click", () => {
      const step = Number.parseInt(button.dataset.step, 10);
      input.value = String(clamp(Number.parseInt(input.value, 10) + step));
    });
  }
  input.addEventListener("change", () => {
    input.value = String(clamp(Number.parseInt(input.value, 10)));
  });
  return () => clamp(Number.parseInt(input.value, 10));
}

function showFeedback(element, kind, text) {
  element.textContent = text;
  element.className = `feedback ${kind}`;
  element.hidden = false;
}

function setupAddToBasket(connected, product) {
  const form = product.querySelector("[data-add-form]");
  const button = form.querySelector("[data-add-button]");
  const feedback = product.querySelector("[data-add-feedback]");
  const quantityOf = setupStepper(form);
  const name = product.querySelector(".product-title").textContent;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const api = await connected;
    if (!api) {
      showFeedback(feedback, "error", "Adding to the basket works in the OpenAisle app.");
      return;
    }
    const quantity = quantityOf();
    button.disabled = true;
    try {
      const basket = await api.addToBasket({ sku: product.dataset.sku, quantity });
      updateBadge(basket);
      // The badge keeps the basket's count; this line only says what was done,
      // so it cannot go stale when the till adds more.
      showFeedback(feedback, "ok", `Added ${quantity} × ${name} to the basket.`);
    } catch (error) {
      showFeedback(feedback, "error", `Could not add to basket: ${reasonOf(error)}`);
    } finally {
      button.disabled = false;
    }
  });
}

function stockRow(location, kind) {
  const row = document.createElement("li");
  const place = document.createElement("span");
  place.className = "stock-place";
  place.textContent = String(location.name || location.location_id || "");
  const detail = document.createElement("small");
  const distance = Number(location.distance_km);
  const where = String(location.kind || "store");
  const parts = [kind === "here" ? "This store" : where[0].toUpperCase() + where.slice(1)];
  if (kind !== "here" && Number.isFinite(distance)) {
    parts.push(`${distance.toFixed(1)} km away`);
  }
  detail.textContent = parts.join(" · ");
  place.append(detail);

  const count = document.createElement("span");
  const atp = Number.isInteger(location.atp) ? location.atp : 0;
  count.className = `stock-count ${atp > 0 ? "some" : "none"}`;
  count.textContent = atp > 0 ? `${atp} available` : "Out of stock";
  row.append(place, count);
  return row;
}

function asTime(text) {
  const when = new Date(text);
  if (Number.isNaN(when.getTime())) {
    return "an unknown time";
  }
  return when.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

async function showStock(api, product) {
  const box = product.querySelector("[data-stock]");
  const status = box.querySelector("[data-stock-status]");
  const list = box.querySelector("[data-stock-list]");
  if (!api) {
    status.textContent = "Stock in this store and nearby shows in the OpenAisle app.";
    return;
  }
  try {
    const stock = await api.getStock(product.dataset.sku);
    const here = Array.isArray(stock.here) ? stock.here : [];
    const nearby = Array.isArray(stock.nearby) ? stock.nearby : [];
    list.replaceChildren(
      ...here.map((location) => stockRow(location, "here")),
      ...nearby.map((location) => stockRow(location, "nearby")),
    );
    if (stock.stale) {
      status.textContent = `Last known stock from ${asTime(stock.as_of)}; it may have changed.`;
      status.classList.add("stale");
    } else if (here.length + nearby.length === 0) {
      status.textContent = "No store holds this item; it can still be ordered.";
    } else {
      status.textContent = "Live stock";
    }
  } catch (error) {
    status.textContent = `Stock could not be checked: ${reasonOf(error)}`;
    status.classList.add("stale");
  }
}

async function connect() {
  const api = await waitForBridge();
  if (!api) {
    showNotice("You are browsing the shop on its own: basket and stock work in the OpenAisle app.");
    return null;
  }
  try {
    await withTimeout(api.ready, READY_WAIT_MS, "the till did not answer");
  } catch (error) {
    showNotice(`The till connection failed: ${reasonOf(error)}`);
    return null;
  }
  if (typeof api.onBasketChanged === "function") {
    api.onBasketChanged((basket) => updateBadge(basket));
  }
  if (typeof api.getBasket === "function") {
    api.getBasket().then(
      (basket) => updateBadge(basket, false),
      () => {},
    );
  }
  return api;
}

async function main() {
  const product = document.querySelector(".product[data-sku]");
  const connected = connect();
  if (product) {
    setupAddToBasket(connected, product);
  }

  const api = await connected;
  document.body.dataset.bridge = api ? "present" : "absent";
  if (product) {
    await showStock(api, product);
  }
  document.body.dataset.shopReady = "true";
}

main();
