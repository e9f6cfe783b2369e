(() => {
  const stock = /*STOCK*/ null;
  const listeners = [];
  const lines = [];
  window.__aisleCalls = [];

  function basket() {
    const count = lines.reduce((sum, line) => sum + line.quantity, 0);
    return { lines: lines.slice(), total: { amount: 250 * count, currency: "GBP" }, count };
  }

  window.openAisle = {
    ready: Promise.resolve(),
    addToBasket(line) {
      window.__aisleCalls.push(["addToBasket", line]);
      if (line.quantity > 50) {
        return Promise.reject(new Error("openAisle: only 4 left in stock"));
      }
      lines.push(line);
      const current = basket();
      listeners.forEach((callback) => callback(current));
      return Promise.resolve(current);
    },
    getStock(sku) {
      window.__aisleCalls.push(["getStock", sku]);
      return Promise.resolve(stock);
    },
    getBasket() {
      window.__aisleCalls.push(["getBasket"]);
      return Promise.resolve(basket());
    },
    onBasketChanged(callback) {
      listeners.push(callback);
    },
  };
})();
