// Region picker (reference/forms.py): fills the next list as soon as a place
// is chosen, so the "show the places" button is only needed without script.
// The server-side rules in reference/selectors.py (picker_prefectures,
// picker_counties) are mirrored here; keep the two in step.
(() => {
  "use strict";

  const cache = new Map();

  function fetchChildren(url, code) {
    const lang = document.documentElement.lang || "";
    const key = `${url}?parent=${encodeURIComponent(code)}&lang=${encodeURIComponent(lang)}`;
    if (!cache.has(key)) {
      const request = fetch(key, { headers: { Accept: "application/json" } }).then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json();
      });
      // A failed request must not stay cached, or the next change would fail too.
      request.catch(() => cache.delete(key));
      cache.set(key, request);
    }
    return cache.get(key).then((data) => data.results);
  }

  function clear(select) {
    select.replaceChildren(new Option(select.dataset.waiting, ""));
    select.disabled = true;
  }

  function fill(select, places) {
    select.replaceChildren(
      new Option(select.dataset.placeholder, ""),
      ...places.map((place) => new Option(place.name, place.code)),
    );
    select.disabled = false;
  }

  function setUp(picker) {
    const url = picker.dataset.childrenUrl;
    const selects = Array.from(picker.querySelectorAll("select[data-region-level]"));
    const refresh = picker.querySelector("[data-region-refresh]");
    const pending = selects.map(() => 0);
    // Taken out of the page rather than hidden: site.css gives every button
    // a display value, which would override the hidden attribute.
    const refreshSlot = document.createComment("region refresh");
    if (refresh) refresh.replaceWith(refreshSlot);

    async function update(index) {
      for (let below = index; below < selects.length; below += 1) clear(selects[below]);
      if (index >= selects.length) return;
      const above = selects[index - 1];
      const code = above.value;
      if (!code) return;
      const ticket = ++pending[index];
      let places;
      try {
        places = await fetchChildren(url, code);
      } catch {
        // Fall back to the server round trip the page offers without script.
        if (refresh && !refresh.isConnected) refreshSlot.replaceWith(refresh);
        return;
      }
      // A later change overtook this answer.
      if (ticket !== pending[index] || above.value !== code) return;
      const self = { code, name: above.selectedOptions[0].text };
      if (index === 1) {
        // A municipality has districts but no prefecture: it stands for its own.
        if (!places.some((place) => place.level === "prefecture")) places = [self];
      } else {
        places = places.filter((place) => place.level === "county");
        // A city without districts, or a directly governed county, is its own county.
        if (places.length === 0) places = [self];
      }
      const select = selects[index];
      fill(select, places);
      if (places.length === 1) {
        select.value = places[0].code;
        await update(index + 1);
      }
    }

    selects.forEach((select, index) => {
      select.addEventListener("change", () => update(index + 1));
    });
  }

  document.querySelectorAll("[data-region-picker]").forEach(setUp);
})();
