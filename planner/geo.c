/*
 * geo.c - great-circle distance.  See geo.h.  Owned by the resolver work.
 */
#include <math.h>

#include "geo.h"

static double
rad(double deg)
{
	return deg * (M_PI / 180.0);
}

/*
 * Haversine: well conditioned for short distances, where the law of
 * cosines loses digits.  The longitude difference enters only through
 * sin^2 of its half, so -179 and 179 degrees are 2 degrees apart.
 */
double
geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	double dlat, dlon, h;

	dlat = rad(lat2 - lat1);
	dlon = rad(lon2 - lon1);
	h = sin(dlat / 2) * sin(dlat / 2) +
	    cos(rad(lat1)) * cos(rad(lat2)) * sin(dlon / 2) * sin(dlon / 2);
	if (h > 1.0)
		h = 1.0;
	return 2.0 * GEO_EARTH_RADIUS_KM * asin(sqrt(h));
}
