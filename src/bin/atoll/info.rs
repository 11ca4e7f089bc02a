//! `atoll info`: sizes and tightness of an instance.

use std::path::Path;

use atoll::report::InstanceSummary;

use crate::{CliError, itc2019, load_instance, print_json};

pub(crate) fn run(instance: &Path, json: bool) -> Result<(), CliError> {
    if itc2019::is_xml(instance) {
        return itc2019::info(instance, json);
    }
    let inst = load_instance(instance)?;
    let out = InstanceSummary::of(&inst);
    if json {
        print_json(&out);
        return Ok(());
    }
    println!("Instance            {}", out.name);
    println!(
        "Courses             {} ({} lectures a week, {} teachers)",
        out.courses, out.lectures, out.teachers
    );
    println!(
        "Week                {} days x {} periods = {} periods",
        out.days, out.periods_per_day, out.periods
    );
    println!(
        "Rooms               {} (capacity {}..{}, mean {:.1})",
        out.rooms, out.room_capacity_min, out.room_capacity_max, out.room_capacity_mean
    );
    println!(
        "Curricula           {} (a course is in {:.2} on average)",
        out.curricula, out.mean_curricula_per_course
    );
    println!(
        "Conflict density    {:.3} (share of course pairs that may not share a period)",
        out.conflict_density
    );
    println!(
        "Room occupancy      {:.3} (lectures / room-periods)",
        out.room_occupancy
    );
    println!(
        "Unavailability      {} constraints ({:.3} of course-periods)",
        out.unavailability_constraints, out.availability_tightness
    );
    println!(
        "Largest course      {} students; {} lecture(s) larger than every room",
        out.max_students, out.lectures_larger_than_any_room
    );
    if out.extended_format {
        println!("Format              extended (.ectt); UD2 ignores the extra fields");
    }
    Ok(())
}
