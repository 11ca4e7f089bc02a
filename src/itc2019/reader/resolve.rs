//! After the reader's pass: forward references (rooms, parents, classes, courses) resolved
//! to dense ids, the class tree checked, and the derived tables built.

use super::{Builder, Pending};
use crate::itc2019::error::{XmlError, XmlErrorKind};

impl Builder<'_> {
    fn unknown(&self, pending: &Pending, what: &'static str) -> XmlError {
        self.w.error_at(
            pending.pos,
            &pending.element,
            XmlErrorKind::UnknownRef {
                what,
                id: pending.id.clone(),
            },
        )
    }

    /// Resolves forward references, checks the class tree and builds derived tables.
    pub(super) fn resolve(&mut self) -> Result<(), XmlError> {
        let nr = self.p.rooms.len();
        self.p.travel = vec![0; nr * nr];
        for (a, pending, value) in std::mem::take(&mut self.travel) {
            let &b = self
                .room_index
                .get(&pending.id)
                .ok_or_else(|| self.unknown(&pending, "room"))?;
            if a != b {
                self.p.travel[a as usize * nr + b as usize] = value;
                self.p.travel[b as usize * nr + a as usize] = value;
            }
        }
        for (i, pending) in std::mem::take(&mut self.room_refs) {
            let &r = self
                .room_index
                .get(&pending.id)
                .ok_or_else(|| self.unknown(&pending, "room"))?;
            self.p.room_options[i as usize].room = r;
        }
        // A room listed twice for one class would make its penalty ambiguous.
        let mut seen = vec![u32::MAX; nr];
        for (c, class) in self.p.classes.iter().enumerate() {
            for i in class.rooms.clone() {
                let r = self.p.room_options[i as usize].room as usize;
                if seen[r] == c as u32 {
                    return Err(self.w.error_at(
                        self.room_option_pos[i as usize],
                        &format!("<room> of class '{}'", class.id),
                        XmlErrorKind::RepeatedRoomOption {
                            room: self.p.rooms[r].id.clone(),
                        },
                    ));
                }
                seen[r] = c as u32;
            }
        }
        for (c, pending) in std::mem::take(&mut self.parent_refs) {
            let &par = self
                .class_index
                .get(&pending.id)
                .ok_or_else(|| self.unknown(&pending, "parent class"))?;
            let child = &self.p.classes[c as usize];
            let parent = &self.p.classes[par as usize];
            if parent.config != child.config || parent.subpart == child.subpart {
                return Err(self.w.error_at(
                    pending.pos,
                    &pending.element,
                    XmlErrorKind::ParentOutsideConfig {
                        class: child.id.clone(),
                        parent: parent.id.clone(),
                    },
                ));
            }
            self.p.classes[c as usize].parent = Some(par);
        }
        // A parent chain never repeats a subpart; a loop would make sectioning impossible
        // and walks up the chain endless.
        for c in 0..self.p.classes.len() {
            let limit = self.p.subparts.len();
            let mut at = self.p.classes[c].parent;
            let mut steps = 0;
            while let Some(p) = at {
                steps += 1;
                if p as usize == c || steps > limit {
                    let class = self.p.classes[c].id.clone();
                    return Err(self.w.error_at(
                        self.class_pos[c],
                        &format!("<class> '{class}'"),
                        XmlErrorKind::ParentCycle { class },
                    ));
                }
                at = self.p.classes[p as usize].parent;
            }
        }
        for (d, at, pending) in std::mem::take(&mut self.dist_refs) {
            let &c = self
                .class_index
                .get(&pending.id)
                .ok_or_else(|| self.unknown(&pending, "class"))?;
            self.p.distributions[d as usize].classes[at] = c;
        }
        for (s, at, pending) in std::mem::take(&mut self.course_refs) {
            let &c = self
                .course_index
                .get(&pending.id)
                .ok_or_else(|| self.unknown(&pending, "course"))?;
            self.p.students[s as usize].courses[at] = c;
        }
        // A course requested twice by a student is one request.
        let mut last = vec![u32::MAX; self.p.courses.len()];
        for (s, st) in self.p.students.iter_mut().enumerate() {
            st.courses.retain(|&c| {
                let fresh = last[c as usize] != s as u32;
                last[c as usize] = s as u32;
                fresh
            });
        }
        let mut by_class = vec![Vec::new(); self.p.classes.len()];
        for (d, dist) in self.p.distributions.iter().enumerate() {
            for &c in &dist.classes {
                let v: &mut Vec<u32> = &mut by_class[c as usize];
                if v.last() != Some(&(d as u32)) {
                    v.push(d as u32);
                }
            }
        }
        self.p.class_distributions = by_class;
        Ok(())
    }
}
