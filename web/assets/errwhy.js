/* errwhy.js: what the pages gain with JavaScript: a copy button on every code block, and the
 * index's tables filtered as one types. Every page reads and works without it. */
(function () {
  'use strict';

  /* The clipboard API needs a secure context (https or localhost); a file:// page or a plain
   * http server elsewhere falls back to a hidden textarea and execCommand. */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function fallbackCopy(text) {
    return new Promise(function (resolve, reject) {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.className = 'copy-buffer';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error('copy refused')); }
    });
  }

  function addCopyButtons() {
    var blocks = document.querySelectorAll('div.code');
    Array.prototype.forEach.call(blocks, function (block) {
      var code = block.querySelector('pre code');
      if (!code) { return; }
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'copy';
      button.textContent = 'Copy';
      var timer = null;
      button.addEventListener('click', function () {
        copyText(code.textContent).then(function () {
          button.textContent = 'Copied';
        }, function () {
          button.textContent = 'Press Ctrl+C';
        }).then(function () {
          clearTimeout(timer);
          timer = setTimeout(function () { button.textContent = 'Copy'; }, 2000);
        });
      });
      block.insertBefore(button, code.parentNode);
    });
  }

  /* Every word of the query must be in the row's name, number or text. */
  function matches(row, words) {
    var hay = (row.getAttribute('data-name') || '').toLowerCase() + ' ' +
      (row.getAttribute('data-number') || '') + ' ' + (row.getAttribute('data-text') || '');
    for (var i = 0; i < words.length; i++) {
      if (hay.indexOf(words[i]) < 0) { return false; }
    }
    return true;
  }

  function filterIndex(input) {
    var words = input.value.toLowerCase().replace(/^-/, '').split(/\s+/).filter(Boolean);
    var sections = document.querySelectorAll('section.family');
    var shown = 0;
    Array.prototype.forEach.call(sections, function (section) {
      var rows = section.querySelectorAll('tr.row');
      var inSection = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var ok = matches(row, words);
        row.hidden = !ok;
        if (ok) { inSection++; }
      });
      section.hidden = inSection === 0;
      shown += inSection;
    });
    var none = document.getElementById('no-match');
    if (none) { none.hidden = shown !== 0; }
  }

  function setUpFilter() {
    if (!document.body.classList.contains('index-page')) { return; }
    var form = document.querySelector('form.search');
    var input = document.getElementById('q');
    if (!form || !input) { return; }
    /* A static export has no server to ask: the form only filters, and never submits. */
    if (!form.hasAttribute('action')) {
      form.hidden = false;
      form.addEventListener('submit', function (ev) { ev.preventDefault(); });
    }
    input.addEventListener('input', function () { filterIndex(input); });
    /* index.html?q=words opens the export's index filtered, as a link can ask. */
    var asked = /[?&]q=([^&]*)/.exec(window.location.search);
    if (asked && !input.value) {
      try { input.value = decodeURIComponent(asked[1].replace(/\+/g, ' ')); } catch (e) { input.value = ''; }
    }
    if (input.value) { filterIndex(input); }
  }

  function start() {
    addCopyButtons();
    setUpFilter();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
