// Geofences on the map: draw a circle (click the centre, then the edge) or a polygon
// (click each corner, then Finish), drag the handles to edit, name it and save. Points
// are taken in the datum of the tiles on screen and sent with that coord_system, so a
// fence drawn on AMap (GCJ-02) is stored right; stored fences come back as WGS-84.
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtDistance, t } from '../shared/i18n';
import { uuid } from '../shared/ids';
import { createMap, currentTiles, L, type OutfieldMap } from '../shared/map';
import type { FenceGeometry, Geofence, GeofenceInput, GeofenceList } from '../shared/types';
import { api } from './session';

type LatLon = [number, number];
type Draft =
  | { id?: string; name: string; kind: 'circle'; center: LatLon | null; radius: number }
  | { id?: string; name: string; kind: 'polygon'; points: LatLon[] };

/** A stored fence's polygons, each as rings of `[lon, lat]` (a fence made through the API
 * may have several, as a GeoJSON `MultiPolygon`). */
function polygons(g: FenceGeometry): number[][][][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

const vertexIcon = () => L.divIcon({ className: 'vertex', iconSize: [12, 12] });

export function Geofences({ readOnly = false }: { readOnly?: boolean }) {
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<OutfieldMap | null>(null);
  const fenceLayer = useRef<L.LayerGroup | null>(null);
  const draftLayer = useRef<L.LayerGroup | null>(null);
  const [fences, setFences] = useState<Geofence[]>([]);
  const [draft, setDraft] = useState<Draft | null>(null);
  /** Drawing: clicks on the map add to the draft. */
  const [drawing, setDrawing] = useState(false);
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const draftRef = useRef(draft);
  draftRef.current = draft;
  const drawingRef = useRef(drawing);
  drawingRef.current = drawing;
  const datum = currentTiles().datum;

  const load = () =>
    api.get<GeofenceList>('/geofences').then((p) => setFences(p.items), (e) => setError(errorText(e)));

  useEffect(() => {
    const m = createMap(el.current!);
    mapRef.current = m;
    fenceLayer.current = L.layerGroup().addTo(m.map);
    draftLayer.current = L.layerGroup().addTo(m.map);
    m.map.on('click', (e: L.LeafletMouseEvent) => {
      const d = draftRef.current;
      if (!d || !drawingRef.current) return;
      const p: LatLon = [e.latlng.lat, e.latlng.lng];
      if (d.kind === 'circle') {
        if (!d.center) setDraft({ ...d, center: p });
        else {
          setDraft({ ...d, radius: Math.max(10, Math.round(m.map.distance(d.center, p))) });
          setDrawing(false);
        }
      } else setDraft({ ...d, points: [...d.points, p] });
    });
    void load();
    return () => m.map.remove();
  }, []);

  // Stored fences, the one being edited left out.
  useEffect(() => {
    const m = mapRef.current;
    const g = fenceLayer.current;
    if (!m || !g) return;
    g.clearLayers();
    for (const f of fences) {
      if (f.id === draft?.id) continue;
      const style = { color: '#2563eb', weight: 2, fillOpacity: 0.12 };
      const layer =
        f.center && f.radius_m
          ? L.circle(m.toMap(f.center.lat, f.center.lon), { ...style, radius: f.radius_m })
          : f.geojson
            ? L.polygon(
                polygons(f.geojson).map((rings) => rings.map((ring) => ring.map(([lon, lat]) => m.toMap(lat, lon)))),
                style,
              )
            : null;
      layer?.bindTooltip(f.name).on('click', () => !drawingRef.current && edit(f)).addTo(g);
    }
  }, [fences, draft?.id]);

  // The draft with its handles.
  useEffect(() => {
    const g = draftLayer.current;
    if (!g) return;
    g.clearLayers();
    if (!draft) return;
    const style = { color: '#dc2626', weight: 2, fillOpacity: 0.15 };
    if (draft.kind === 'circle' && draft.center) {
      const c = L.circle(draft.center, { ...style, radius: draft.radius }).addTo(g);
      const centre = L.marker(draft.center, { draggable: true, icon: vertexIcon() }).addTo(g);
      centre.on('dragend', () => {
        const p = centre.getLatLng();
        setDraft({ ...draft, center: [p.lat, p.lng] });
      });
      if (!drawing) {
        const edge = L.marker(c.getBounds().getNorthEast(), { draggable: true, icon: vertexIcon() }).addTo(g);
        edge.setLatLng([c.getBounds().getCenter().lat, c.getBounds().getEast()]);
        edge.on('dragend', () => {
          const r = mapRef.current!.map.distance(draft.center!, edge.getLatLng());
          setDraft({ ...draft, radius: Math.max(10, Math.round(r)) });
        });
      }
    } else if (draft.kind === 'polygon' && draft.points.length) {
      (draft.points.length > 2 ? L.polygon(draft.points, style) : L.polyline(draft.points, style)).addTo(g);
      draft.points.forEach((p, i) => {
        const h = L.marker(p, { draggable: true, icon: vertexIcon() }).addTo(g);
        h.on('dragend', () => {
          const q = h.getLatLng();
          const points = draft.points.slice();
          points[i] = [q.lat, q.lng];
          setDraft({ ...draft, points });
        });
      });
    }
  }, [draft, drawing]);

  const edit = (f: Geofence) => {
    const m = mapRef.current!;
    const at = (lat: number, lon: number) => L.latLng(m.toMap(lat, lon));
    setNote('');
    setDrawing(false);
    if (f.center && f.radius_m) {
      const c = at(f.center.lat, f.center.lon);
      setDraft({ id: f.id, name: f.name, kind: 'circle', center: [c.lat, c.lng], radius: f.radius_m });
    } else if (f.geojson?.type === 'MultiPolygon') {
      // The editor draws one polygon; saving a part would drop the others.
      setDraft(null);
      setNote(t('geofence.multi_part'));
    } else if (f.geojson) {
      const ring = f.geojson.coordinates[0].slice(0, -1).map(([lon, lat]) => at(lat, lon));
      setDraft({ id: f.id, name: f.name, kind: 'polygon', points: ring.map((p) => [p.lat, p.lng]) });
    }
  };

  const start = (kind: 'circle' | 'polygon') => {
    setNote('');
    setError('');
    setDrawing(true);
    setDraft(
      kind === 'circle'
        ? { name: draft?.name || t('geofence.unnamed'), kind, center: null, radius: 200 }
        : { name: draft?.name || t('geofence.unnamed'), kind, points: [] },
    );
  };

  const ready = draft && (draft.kind === 'circle' ? !!draft.center : draft.points.length >= 3);
  const save = async () => {
    if (!draft || !ready) return;
    setError('');
    const body: GeofenceInput =
      draft.kind === 'circle'
        ? { name: draft.name, center: { lat: draft.center![0], lon: draft.center![1], coord_system: datum }, radius_m: draft.radius }
        : {
            name: draft.name,
            coord_system: datum,
            geojson: { type: 'Polygon', coordinates: [[...draft.points, draft.points[0]].map(([lat, lon]) => [lon, lat])] },
          };
    try {
      if (draft.id) await api.put(`/geofences/${draft.id}`, body);
      else await api.post('/geofences', { id: uuid(), ...body });
      setDraft(null);
      setDrawing(false);
      setNote(t('saved'));
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const remove = async () => {
    if (!draft?.id) return;
    try {
      await api.request('DELETE', `/geofences/${draft.id}`);
      setDraft(null);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <div class="geofences">
      <div class="toolbar" data-testid="geofence-tools">
        <strong>{t('rules.geofences')}</strong>
        {!readOnly && (
          <>
            <button onClick={() => start('circle')} data-testid="draw-circle" class={drawing && draft?.kind === 'circle' ? 'on' : ''}>
              {t('geofence.circle')}
            </button>
            <button onClick={() => start('polygon')} data-testid="draw-polygon" class={drawing && draft?.kind === 'polygon' ? 'on' : ''}>
              {t('geofence.polygon')}
            </button>
          </>
        )}
        {drawing && draft?.kind === 'polygon' && (
          <button disabled={draft.points.length < 3} onClick={() => setDrawing(false)} data-testid="draw-finish">
            {t('geofence.finish')}
          </button>
        )}
        {draft && (
          <>
            <input
              class="fence-name"
              aria-label={t('name')}
              value={draft.name}
              onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
              data-testid="fence-name"
            />
            {draft.kind === 'circle' && draft.center && (
              <label class="inline">
                {t('geofence.radius')}
                <input
                  type="number"
                  min="10"
                  value={draft.radius}
                  onInput={(e) => setDraft({ ...draft, radius: Number(e.currentTarget.value) || 10 })}
                  data-testid="fence-radius"
                />
              </label>
            )}
            <button class="primary" disabled={!ready || drawing} onClick={save} data-testid="fence-save">
              {t('save')}
            </button>
            {draft.id && <button onClick={remove}>{t('delete')}</button>}
            <button
              onClick={() => {
                setDraft(null);
                setDrawing(false);
              }}
            >
              {t('cancel')}
            </button>
          </>
        )}
        {note && (
          <span class="badge ok" data-testid="fence-note">
            {note}
          </span>
        )}
      </div>
      <p class="muted small hint">
        {drawing
          ? t(draft?.kind === 'circle' ? 'geofence.help_circle' : 'geofence.help_polygon')
          : draft
            ? t('geofence.edit_help')
            : ''}
        {error && <span class="error"> {error}</span>}
      </p>
      <ul class="chips" data-testid="fence-list">
        {fences.map((f) => (
          <li>
            <button class={'chip' + (draft?.id === f.id ? ' on' : '')} disabled={readOnly} onClick={() => edit(f)}>
              {f.name} · {f.radius_m ? `${t('geofence.kind_circle')} ${fmtDistance(f.radius_m)}` : t('geofence.kind_polygon')}
            </button>
          </li>
        ))}
      </ul>
      <div class={'map' + (drawing ? ' drawing' : '')} ref={el} data-testid="geofence-map" />
    </div>
  );
}
