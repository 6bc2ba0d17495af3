// Live word counter for the application's short answers. The rule is the server's, exactly:
// applications/words.py (whitespace-separated tokens that contain a letter or digit).
(function () {
  "use strict";
  const WHITESPACE = /[\t\n\u000b\u000c\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/;
  const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

  function countWords(text) {
    return (text || "").split(WHITESPACE).filter((t) => t && LETTER_OR_DIGIT.test(t)).length;
  }
  window.cohortCountWords = countWords;

  document.addEventListener("DOMContentLoaded", () => {
    const output = document.getElementById("word-count");
    if (!output) return;
    const limit = parseInt(output.dataset.limit, 10);
    const fields = Array.from(document.querySelectorAll("[data-word-counted]"));
    const update = () => {
      const total = fields.reduce((sum, f) => sum + countWords(f.value), 0);
      output.textContent = `${total} of ${limit} words`;
      const over = total > limit;
      output.classList.toggle("text-danger", over);
      output.classList.toggle("fw-bold", over);
      const warning = document.getElementById("word-count-warning");
      if (warning) warning.hidden = !over;
    };
    fields.forEach((f) => f.addEventListener("input", update));
    update();
  });
})();
