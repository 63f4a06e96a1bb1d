"""Method 3, movingpandas: one Trajectory per rep-day; stops from
TrajectoryStopDetector (max_diameter 100 m, min_duration 5 min); mileage from
Trajectory.get_length() of the working-window segment."""

import warnings
from datetime import timedelta

import geopandas as gpd

warnings.filterwarnings("ignore")
import movingpandas as mpd  # noqa: E402  (after the warning filter: it warns on import)

from common import TZ, args, dump, load, stop, window  # noqa: E402

path, hours = args()
df = load(path)
df["traj"] = df["device_id"] + "|" + df["date"]
df["t"] = df["t"].dt.tz_localize(None)  # movingpandas wants naive local times
gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs="EPSG:4326")
tc = mpd.TrajectoryCollection(gdf, traj_id_col="traj", t="t")

days = {}
for traj in tc.trajectories:
    dev, date = traj.id.split("|")
    w0, w1 = (w.replace(tzinfo=None) for w in window(date, hours))
    work = traj.get_segment_between(w0, w1)
    days[dev, date] = {"mileage_m": traj.get_length(), "work_mileage_m": work.get_length(), "stops": []}
stops = mpd.TrajectoryStopDetector(tc).get_stop_points(max_diameter=100, min_duration=timedelta(minutes=5))
for row in stops.itertuples():
    dev, date = row.traj_id.split("|")
    start, end = row.start_time.tz_localize(TZ), row.end_time.tz_localize(TZ)
    days[dev, date]["stops"].append(stop(start, end, row.geometry.y, row.geometry.x))
dump(days)
