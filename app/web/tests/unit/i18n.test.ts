import { describe, expect, it } from "vitest";
import { dictionary } from "../../lib/dictionaries";
import { localizedPath, negotiate, pathLocale, safeNext } from "../../lib/i18n";

describe("language negotiation", () => {
  it.each([
    ["en-GB,en;q=0.9,fr;q=0.5", "en"],
    ["fr-SN,fr;q=0.9,en;q=0.8", "fr"],
    ["wo-SN,en;q=0.4,fr;q=0.7", "fr"],
    ["sw-KE, en;q=0.3", "en"],
    ["en;q=0, fr", "fr"],
    ["de-DE", "fr"],
    ["", "fr"],
  ])("%s -> %s", (header, expected) => {
    expect(negotiate(header)).toBe(expected);
  });
  expect(negotiate(null)).toBe("fr");
});

describe("localized paths", () => {
  it("swap the language prefix and keep the rest", () => {
    expect(localizedPath("/fr/books/12", "en")).toBe("/en/books/12");
    expect(localizedPath("/en", "fr")).toBe("/fr");
    expect(localizedPath("/search", "en")).toBe("/en/search");
    expect(localizedPath("/", "fr")).toBe("/fr");
    expect(pathLocale("/english/x")).toBeUndefined();
  });

  it("only send signed-in readers back to a page of this site", () => {
    expect(safeNext("/en/books/3", "en")).toBe("/en/books/3");
    for (const hostile of ["//evil.example/en/", "https://evil.example", "/\\evil.example", "/en/<script>", "/fr/books/3", "", null]) {
      expect(safeNext(hostile, "en")).toBe("/en/reading");
    }
  });
});

describe("dictionaries", () => {
  function shape(value: unknown): unknown {
    if (typeof value === "function") return "fn";
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
    return typeof value;
  }

  it("French and English have the same entries, none empty", () => {
    expect(shape(dictionary("en"))).toEqual(shape(dictionary("fr")));
    const texts = JSON.stringify(dictionary("en")) + JSON.stringify(dictionary("fr"));
    expect(texts).not.toContain('""');
  });

  it("plurals follow each language's rule", () => {
    expect(dictionary("fr").home.readers(1)).toBe("1 lecteur");
    expect(dictionary("fr").home.readers(3)).toBe("3 lecteurs");
    expect(dictionary("en").home.readers(1)).toBe("1 reader");
    expect(dictionary("en").home.readers(0)).toBe("0 readers");
    expect(dictionary("fr").search.results(1, "x")).toBe("1 résultat pour « x »");
  });
});
