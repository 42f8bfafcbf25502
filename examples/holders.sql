select a.name, o.title, count(distinct e.id) as events
from read_parquet('tables/events/**/*.parquet', hive_partitioning = true) e
join 'tables/event_actors.parquet' ea on ea.event_id = e.id
join 'tables/offices.parquet' o on o.actor_id = ea.actor_id
  and e.earliest >= o.start_latest and (o."end" is null or e.latest <= o.end_earliest)
join 'tables/actors.parquet' a on a.id = o.actor_id
group by all order by events desc, a.name
