// The legend follows whatever changes a colour: layers on and off, the
// selection's street classes, the hotspot classes, the language.
import { renderLegend } from '../layers.js';

export function mountLegend({ store, $ }) {
  store.subscribe(['visible', 'streetColour', 'streetRates', 'hotspotStyle', 'params', 'catalogue', 'lang', 'monthIndex'],
    (s) => renderLegend($('legend'), s));
}
