// Page script of the app (loaded in <head> by app.py; window.APP_CFG is set just before).
// 1. Vietnamese page language and the framework's untranslated strings (tooltips, toasts).
// 2. Citations: a [n] marker or a source opens its passage in the sources panel (a drawer on a
//    phone) without moving the page; markers of an older answer ask the server for its panel.
// 3. Uploads: files over the size limit or of another type are refused before they are sent,
//    with a Vietnamese message naming each file.
// 4. Copy: the last answer as plain text with its numbered sources.
(() => {
  "use strict";
  if (window.__appScriptLoaded) return; // served in the page and, after login, by Gradio's head too
  window.__appScriptLoaded = true;
  const CFG = window.APP_CFG || { dom: {}, toasts: [], maxBytes: 0, suffixes: [] };
  const PHONE = window.matchMedia("(max-width: 768px)");
  document.documentElement.lang = "vi";

  // ---- 1. strings ----------------------------------------------------------------------------
  const ATTRS = ["title", "aria-label", "placeholder"];
  // Python-style "\\1" group references become JavaScript's "$1".
  const toastRes = CFG.toasts.map(([re, to]) => [new RegExp("^" + re + "$"), to.replace(/\\(\d)/g, "$$$1")]);
  function translateText(s) {
    const t = s.trim();
    if (!t) return null;
    if (Object.prototype.hasOwnProperty.call(CFG.dom, t)) return s.replace(t, CFG.dom[t]);
    for (const [re, to] of toastRes) if (re.test(t)) return t.replace(re, to);
    return null;
  }
  function translateNode(root) {
    if (root.nodeType === Node.TEXT_NODE) {
      const out = translateText(root.nodeValue);
      if (out !== null && out !== root.nodeValue) root.nodeValue = out;
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    if (root.closest && root.closest("#chatbot .message-content, .prose.chat-text, #sources-panel")) return;
    for (const a of ATTRS) {
      const v = root.getAttribute && root.getAttribute(a);
      if (v) {
        const out = translateText(v);
        if (out !== null && out !== v) root.setAttribute(a, out);
      }
    }
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    let n = walker.nextNode();
    while (n) {
      if (n.nodeType === Node.TEXT_NODE) {
        const p = n.parentElement;
        if (p && !p.closest("#chatbot .message, #sources-panel, textarea, input")) {
          const out = translateText(n.nodeValue);
          if (out !== null && out !== n.nodeValue) n.nodeValue = out;
        }
      } else {
        for (const a of ATTRS) {
          const v = n.getAttribute(a);
          if (v) {
            const out = translateText(v);
            if (out !== null && out !== v) n.setAttribute(a, out);
          }
        }
      }
      n = walker.nextNode();
    }
  }

  // ---- 2. citations --------------------------------------------------------------------------
  let pending = null; // {turn, n} waiting for the server to render that answer's panel
  const panelRoot = () => document.querySelector("#sources-panel .sources");
  const drawer = () => document.getElementById("sources-col");

  function openDrawer(open) {
    const d = drawer();
    if (!d) return;
    d.classList.toggle("open", open);
    document.body.classList.toggle("drawer-open", open && PHONE.matches);
  }

  function openPassage(n) {
    const root = panelRoot();
    if (!root) return false;
    const target = root.querySelector(`.passage[data-n="${n}"]`);
    if (!target) return false;
    root.querySelectorAll(".passage").forEach((p) => { p.hidden = p !== target; });
    root.querySelectorAll(".source-item").forEach((li) => li.classList.toggle("active", li.dataset.n === String(n)));
    const hint = root.querySelector(".passage-hint");
    if (hint) hint.hidden = true;
    if (PHONE.matches) {
      openDrawer(true);
      const d = drawer();
      if (d) d.scrollTop = 0;
    } else {
      // Only the panel's own scroll box moves (when the passage is out of its view); the page stays.
      const box = drawer();
      if (box && box.scrollHeight > box.clientHeight) {
        const b = box.getBoundingClientRect(), t = target.getBoundingClientRect();
        if (t.top < b.top || t.bottom > b.bottom) box.scrollTop += t.top - b.top - 48;
      }
    }
    return true;
  }

  function requestTurn(turn, n) {
    const box = document.querySelector("#turn-request textarea, #turn-request input");
    if (!box) return;
    pending = { turn: String(turn), n: String(n) };
    box.value = `${turn}:${Date.now()}`;
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function onCitation(turn, n) {
    const root = panelRoot();
    if (root && root.dataset.turn === String(turn)) {
      openPassage(n);
    } else {
      requestTurn(turn, n);
    }
  }

  document.addEventListener("click", (ev) => {
    const t = ev.target;
    if (!(t instanceof Element)) return;
    const a = t.closest('a[href^="#nguon-"]');
    if (a) {
      ev.preventDefault();
      ev.stopPropagation();
      const m = a.getAttribute("href").match(/^#nguon-(\d+)-(\d+)$/);
      if (m) onCitation(m[1], m[2]);
      return;
    }
    if (t.closest(".drawer-close")) {
      ev.preventDefault();
      openDrawer(false);
      return;
    }
    if (t.closest("#open-sources")) {
      openDrawer(true);
      return;
    }
    const copy = t.closest("#copy-answer");
    if (copy) {
      const box = document.querySelector("#plain-text textarea");
      const text = box ? box.value : "";
      if (!text) return;
      navigator.clipboard.writeText(text).then(() => {
        const old = copy.textContent;
        copy.textContent = "Đã sao chép";
        setTimeout(() => { copy.textContent = old; }, 1500);
      });
    }
  }, true);

  function afterPanelUpdate() {
    const root = panelRoot();
    if (pending && root && root.dataset.turn === pending.turn) {
      const n = pending.n;
      pending = null;
      openPassage(n);
    }
  }

  // ---- 3. uploads ----------------------------------------------------------------------------
  const mb = (b) => (b / 1048576).toLocaleString("vi-VN", { maximumFractionDigits: 1 }) + " MB";
  function refusal(file) {
    const name = file.name;
    const dot = name.lastIndexOf(".");
    const suffix = dot >= 0 ? name.slice(dot).toLowerCase() : "";
    if (!CFG.suffixes.includes(suffix)) {
      return `${name}: ${suffix ? "định dạng " + suffix : "tệp không có phần mở rộng"} không được hỗ trợ `
        + `(chỉ nhận ${CFG.suffixes.join(", ")}); hãy lưu lại dưới dạng .docx, .pdf hoặc .txt rồi tải lên lại.`;
    }
    if (CFG.maxBytes && file.size > CFG.maxBytes) {
      return `${name}: tệp quá lớn (${mb(file.size)}, giới hạn ${mb(CFG.maxBytes)}); không tải lên.`;
    }
    if (file.size === 0) return `${name}: tệp rỗng; không tải lên.`;
    return null;
  }
  function showRefusals(lines) {
    const box = document.querySelector("#upload-notice .upload-notice");
    if (!box) return;
    box.replaceChildren(...lines.map((l) => { const li = document.createElement("li"); li.textContent = l; return li; }));
    box.parentElement.hidden = lines.length === 0;
  }
  function screen(files) {
    const good = [], bad = [];
    for (const f of files) { const why = refusal(f); if (why) bad.push(why); else good.push(f); }
    return { good, bad };
  }
  let forwarding = false;
  document.addEventListener("change", (ev) => {
    const input = ev.target;
    if (forwarding || !(input instanceof HTMLInputElement) || input.type !== "file" || !input.closest("#upload")) return;
    const { good, bad } = screen(Array.from(input.files || []));
    showRefusals(bad);
    if (!bad.length) return;
    ev.stopImmediatePropagation();
    if (!good.length) { input.value = ""; return; }
    const dt = new DataTransfer();
    good.forEach((f) => dt.items.add(f));
    input.files = dt.files;
    forwarding = true;
    try { input.dispatchEvent(new Event("change", { bubbles: true })); } finally { forwarding = false; }
  }, true);
  document.addEventListener("drop", (ev) => {
    const area = ev.target instanceof Element && ev.target.closest("#upload");
    if (!area || !ev.dataTransfer) return;
    const { good, bad } = screen(Array.from(ev.dataTransfer.files || []));
    showRefusals(bad);
    if (!bad.length) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    const input = area.querySelector('input[type="file"]');
    if (input && good.length) {
      const dt = new DataTransfer();
      good.forEach((f) => dt.items.add(f));
      input.files = dt.files;
      forwarding = true;
      try { input.dispatchEvent(new Event("change", { bubbles: true })); } finally { forwarding = false; }
    }
  }, true);

  // ---- observers -----------------------------------------------------------------------------
  const observer = new MutationObserver((records) => {
    let panel = false;
    for (const r of records) {
      if (r.type === "attributes") translateNode(r.target);
      else r.addedNodes.forEach((node) => translateNode(node));
      if (r.target instanceof Element && r.target.closest && r.target.closest("#sources-panel")) panel = true;
      if (r.type === "characterData") translateNode(r.target);
    }
    if (panel) afterPanelUpdate();
    if (document.documentElement.lang !== "vi") document.documentElement.lang = "vi";
  });
  function start() {
    translateNode(document.body);
    observer.observe(document.documentElement, {
      subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: [...ATTRS, "lang"],
    });
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
