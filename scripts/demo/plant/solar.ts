/**
 * A small solar model: sun elevation from date, time and place, and from it plane-of-array
 * irradiance and temperatures. Accurate to a few degrees, which is all the demo needs to make
 * output follow the sun over the day and the seasons.
 */
const RAD = Math.PI / 180;

/** The sun's elevation above the horizon, in degrees. */
export function sunElevationDeg(at: Date, latitudeDeg: number, longitudeDeg: number): number {
  const start = Date.UTC(at.getUTCFullYear(), 0, 0);
  const dayOfYear = Math.floor((at.getTime() - start) / 86_400_000);
  const declination = 23.44 * Math.sin((2 * Math.PI * (284 + dayOfYear)) / 365);
  const utcHours = at.getUTCHours() + at.getUTCMinutes() / 60 + at.getUTCSeconds() / 3600;
  const solarHours = utcHours + longitudeDeg / 15;
  const hourAngle = 15 * (solarHours - 12);
  const sinElevation =
    Math.sin(latitudeDeg * RAD) * Math.sin(declination * RAD) +
    Math.cos(latitudeDeg * RAD) * Math.cos(declination * RAD) * Math.cos(hourAngle * RAD);
  return Math.asin(Math.max(-1, Math.min(1, sinElevation))) / RAD;
}

/** Plane-of-array irradiance in W/m² for a sky of the given clearness (0 overcast .. 1 clear). */
export function irradianceWm2(elevationDeg: number, clearness: number): number {
  if (elevationDeg <= 0) return 0;
  const sin = Math.sin(elevationDeg * RAD);
  // A tilted plane catches more than a horizontal one when the sun is low; cap at a clear noon.
  return Math.min(1050, 1100 * clearness * Math.pow(sin, 0.8));
}

/** Ambient air temperature in °C: a seasonal mean with a daily swing peaking mid-afternoon. */
export function ambientTemperatureC(at: Date, utcOffsetHours: number): number {
  const start = Date.UTC(at.getUTCFullYear(), 0, 0);
  const dayOfYear = (at.getTime() - start) / 86_400_000;
  const seasonal = 9 + 15 * Math.sin((2 * Math.PI * (dayOfYear - 105)) / 365);
  const localHours = (at.getUTCHours() + at.getUTCMinutes() / 60 + utcOffsetHours + 24) % 24;
  return seasonal + 7 * Math.cos((2 * Math.PI * (localHours - 15)) / 24);
}
