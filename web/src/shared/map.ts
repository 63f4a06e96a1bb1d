// Leaflet with a configurable tile source. Every point we draw is WGS-84 from the API;
// when the tiles are GCJ-02 (AMap and other Chinese providers) `toMap` shifts it so it
// lands on the right street. Nothing here depends on tiles loading: without them the
// map is blank but markers, tracks and clicks still work (the browser tests run so).
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { wgs84ToGcj02 } from './geo';

export interface TileSource {
  id: string;
  url: string;
  subdomains?: string;
  attribution: string;
  /** The datum the tiles are drawn in. */
  datum: 'wgs84' | 'gcj02';
}

export const TILE_SOURCES: TileSource[] = [
  {
    id: 'osm',
    url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    attribution: '&copy; OpenStreetMap contributors',
    datum: 'wgs84',
  },
  {
    id: 'amap',
    url: 'https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}',
    subdomains: '1234',
    attribution: '&copy; AutoNavi',
    datum: 'gcj02',
  },
];

// A deployment may set its own provider at build time (VITE_TILE_URL, VITE_TILE_DATUM).
const custom = import.meta.env.VITE_TILE_URL as string | undefined;
if (custom) {
  TILE_SOURCES.unshift({
    id: 'custom',
    url: custom,
    attribution: (import.meta.env.VITE_TILE_ATTRIBUTION as string | undefined) ?? '',
    datum: import.meta.env.VITE_TILE_DATUM === 'gcj02' ? 'gcj02' : 'wgs84',
  });
}

const KEY = 'outfield.tiles';

export function currentTiles(): TileSource {
  const id = localStorage.getItem(KEY);
  return TILE_SOURCES.find((t) => t.id === id) ?? TILE_SOURCES[0];
}

export function chooseTiles(id: string): void {
  localStorage.setItem(KEY, id);
}

export interface OutfieldMap {
  map: L.Map;
  /** A WGS-84 point in the datum of the tiles on screen. */
  toMap(lat: number, lon: number): L.LatLngExpression;
}

/** People's Square, Shanghai: where the demo company works. */
export const DEFAULT_CENTER: [number, number] = [31.2304, 121.4737];

export function createMap(el: HTMLElement, tiles: TileSource = currentTiles()): OutfieldMap {
  const map = L.map(el, { zoomControl: true, attributionControl: true }).setView(
    DEFAULT_CENTER,
    12,
  );
  L.tileLayer(tiles.url, {
    subdomains: tiles.subdomains ?? 'abc',
    attribution: tiles.attribution,
    maxZoom: 19,
  }).addTo(map);
  // Side panels open and close beside maps: keep Leaflet's idea of the size right.
  const resize = new ResizeObserver(() => map.invalidateSize());
  resize.observe(el);
  map.on('unload', () => resize.disconnect());
  const toMap = (lat: number, lon: number): L.LatLngExpression =>
    tiles.datum === 'gcj02' ? wgs84ToGcj02(lat, lon) : [lat, lon];
  return { map, toMap };
}

export { L };
