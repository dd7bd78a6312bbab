import type { IamUser } from '../../../model/inventory.js'
import { asList } from '../values.js'
import type { ResourceHandler } from './types.js'

/** `aws_iam_group_membership`: the group's full member list. */
export const groupMembership: ResourceHandler = {
  tfType: 'aws_iam_group_membership',
  props: { cfn: {}, tf: { group: 'group', users: 'users' } },
  steps: {
    memberships(bag, graph) {
      const g = graph.holder(bag, 'group membership', 'group', bag.value('group'))
      if (!g) return
      for (const u of asList(bag.value('users'))) {
        const user = graph.holder(bag, 'group membership', 'user', u) as IamUser | undefined
        if (!user) continue
        if (!user.groups.includes(g.name)) user.groups.push(g.name)
        graph.touch(bag, user)
      }
    },
  },
}
