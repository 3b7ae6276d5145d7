#!/usr/bin/perl
# make_mmdb.pl - write a small MaxMind-format (GeoLite2-City layout)
# database with known answers, for the GeoIP tests.
# usage: perl tests/tools/make_mmdb.pl OUT.mmdb
#
# Only RFC 5737 documentation networks are used; nothing is ever sent to
# them.  What each holds:
#   192.0.2.0/24      Montreal (CA), radius 20 km      -> a precise point
#   198.51.100.0/24   US, country only: the US centre point with radius
#                     1000 km, as GeoLite2 gives for country-level rows
#   203.0.113.0/25    Frankfurt (DE), radius 200 km     -> a coarse point
#   203.0.113.128/25  DE, no location at all
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $out = shift or die "usage: $0 OUT.mmdb\n";
my %types = (
	city => 'map', country => 'map', location => 'map', names => 'map',
	en => 'utf8_string', iso_code => 'utf8_string',
	latitude => 'double', longitude => 'double',
	accuracy_radius => 'uint16',
);
my $tree = MaxMind::DB::Writer::Tree->new(
	ip_version => 4,
	record_size => 24,
	database_type => 'planner-test-City',
	languages => ['en'],
	description => { en => 'planner GeoIP test database' },
	map_key_type_callback => sub { $types{ $_[0] } },
	remove_reserved_networks => 0,
);
sub place {
	my ($cc, $lat, $lon, $radius, $city) = @_;
	my %p = (country => { iso_code => $cc });
	$p{location} = { latitude => $lat, longitude => $lon,
			 accuracy_radius => $radius } if defined $lat;
	$p{city} = { names => { en => $city } } if defined $city;
	return \%p;
}
$tree->insert_network('192.0.2.0/24',
	place('CA', 45.5088, -73.5878, 20, 'Montreal'));
$tree->insert_network('198.51.100.0/24', place('US', 37.751, -97.822, 1000));
$tree->insert_network('203.0.113.0/25',
	place('DE', 50.1155, 8.6842, 200, 'Frankfurt am Main'));
$tree->insert_network('203.0.113.128/25', place('DE'));
open(my $fh, '>:raw', $out) or die "$out: $!\n";
$tree->write_tree($fh);
close($fh) or die "$out: $!\n";
