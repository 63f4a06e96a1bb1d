"""Method 2, trackintel: staypoints with the sliding method (100 m, 5 min,
generous 30 min gap), triplegs between them; mileage is the length of the
triplegs' positionfixes (staypoint fixes excluded) in the working window."""

import warnings

import geopandas as gpd
import trackintel as ti

from common import args, dump, load, path_m, stop, window

warnings.filterwarnings("ignore")
path, hours = args()
df = load(path)
df["user_id"] = df["device_id"] + "|" + df["date"]  # one "user" per rep-day
gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs="EPSG:4326")
pfs = ti.io.read_positionfixes_gpd(gdf, tracked_at="t", user_id="user_id")
pfs, sp = pfs.generate_staypoints(
    method="sliding", dist_threshold=100, time_threshold=5.0, gap_threshold=30.0, include_last=True
)
pfs, tpls = pfs.generate_triplegs(sp, method="between_staypoints", gap_threshold=30.0)

pfs = pfs.sort_values(["user_id", "tracked_at"]).rename(columns={"tracked_at": "t"})
pfs["lat"], pfs["lon"] = pfs.geometry.y, pfs.geometry.x
days = {}
for uid, g in pfs.groupby("user_id"):
    dev, date = uid.split("|")
    w0, w1 = window(date, hours)
    days[dev, date] = {
        "mileage_m": path_m(g, same="tripleg_id"),
        "work_mileage_m": path_m(g, w0, w1, same="tripleg_id"),
        "stops": [],
    }
for row in sp.itertuples():
    dev, date = row.user_id.split("|")
    days[dev, date]["stops"].append(stop(row.started_at, row.finished_at, row.geometry.y, row.geometry.x))
dump(days)
