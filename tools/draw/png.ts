// SVG to PNG for Node (resvg, a native renderer): not part of the browser's entry points,
// which show the SVG itself. Text renders in DejaVu Sans, the font the layout names.
import { existsSync } from "node:fs";
import { FONT } from "./dot.js";

const FONT_FILES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
  "/usr/share/fonts/TTF/DejaVuSans.ttf",
  "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
  "/usr/share/fonts/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
  "/Library/Fonts/DejaVuSans.ttf",
];

export class MissingFontError extends Error {}

/** The DejaVu Sans files found here (resvg draws no text without a font: never silently). */
export function fontFiles(): string[] {
  const found = FONT_FILES.filter((f) => existsSync(f));
  if (!found.length) {
    throw new MissingFontError(`a PNG needs the ${FONT} font, not found here (Debian: apt-get install fonts-dejavu-core); --format svg needs no font`);
  }
  return found;
}

/** An SVG document rendered as PNG bytes, at `scale` times its size in CSS pixels (a point is 4/3 pixel; default 1.5). */
export async function svgToPng(svg: string, scale = 1.5): Promise<Uint8Array> {
  const { Resvg } = await import("@resvg/resvg-js");
  const resvg = new Resvg(svg, {
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: FONT },
    fitTo: { mode: "zoom", value: scale },
    background: "#ffffff",
  });
  return resvg.render().asPng();
}
