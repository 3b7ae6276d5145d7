/*
 * geo.h - distances on the Earth.
 *
 * Points are degrees of latitude (north positive) and longitude (east
 * positive).  The Earth is a sphere of mean radius 6371.0088 km: the
 * error against the ellipsoid is below 0.5%, far less than the doubt
 * about where a host really is.  Owned by the resolver work; used by
 * the resolver and the region catalog.
 */
#ifndef PLANNER_GEO_H
#define PLANNER_GEO_H

#define GEO_EARTH_RADIUS_KM	6371.0088

/* Great-circle distance in km between two points (haversine).  Correct
 * across the 180th meridian and at the poles. */
double geo_distance_km(double lat1, double lon1, double lat2, double lon2);

#endif
