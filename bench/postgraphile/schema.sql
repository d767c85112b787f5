-- What PostGraphile needs beyond the tables hasone migrates, applied by
-- bench/run to the benchmark database before PostGraphile starts.
--
-- `User.profile` needs nothing: the unique foreign key profiles.user_id gives
-- PostGraphile the backward one-to-one relation `User.profileByUserId`.
--
-- The other three has-one associations carry a scope, which foreign keys
-- cannot express (addresses.user_id is unique only together with `kind`, and
-- `projects` has a default scope `archived = false`). PostGraphile's way to add
-- such a field is a computed column: a STABLE SQL function taking the row,
-- which it inlines into its single SQL query.
create or replace function users_billing_address(u users) returns addresses as $$
  select * from addresses where addresses.user_id = u.id and addresses.kind = 'billing'
$$ language sql stable;

create or replace function users_shipping_address(u users) returns addresses as $$
  select * from addresses where addresses.user_id = u.id and addresses.kind = 'shipping'
$$ language sql stable;

create or replace function users_project(u users) returns projects as $$
  select * from projects where projects.owner_id = u.id and not projects.archived
$$ language sql stable;

-- `user.setProfile(profile)` and `user.createProfile(values)`: PostGraphile's
-- generated CRUD mutations cannot move a unique foreign key (unlink the
-- current target, link the new one) in one step, so, as PostGraphile
-- recommends for custom mutations, they are VOLATILE functions; each becomes a
-- root mutation field (`setUserProfile`, `createUserProfile`).
create or replace function set_user_profile(user_id int, profile_id int) returns profiles as $$
  update profiles set user_id = null
   where profiles.user_id = set_user_profile.user_id
     and profiles.id is distinct from set_user_profile.profile_id;
  update profiles set user_id = set_user_profile.user_id
   where profiles.id = set_user_profile.profile_id
  returning *;
$$ language sql volatile;

create or replace function create_user_profile(user_id int, bio text) returns profiles as $$
  update profiles set user_id = null where profiles.user_id = create_user_profile.user_id;
  insert into profiles (user_id, bio, visibility)
  values (create_user_profile.user_id, create_user_profile.bio, 'private')
  returning *;
$$ language sql volatile;
