import type { IamUser } from '../../../model/inventory.js'
import { asList } from '../values.js'
import type { ResourceHandler } from './types.js'

/** `aws_iam_user_group_membership`: some of one user's groups. */
export const userGroupMembership: ResourceHandler = {
  tfType: 'aws_iam_user_group_membership',
  props: { cfn: {}, tf: { user: 'user', groups: 'groups' } },
  steps: {
    memberships(bag, graph) {
      const user = graph.holder(bag, 'group membership', 'user', bag.value('user')) as IamUser | undefined
      if (!user) return
      for (const gv of asList(bag.value('groups'))) {
        const g = graph.holder(bag, 'group membership', 'group', gv)
        if (!g) continue
        if (!user.groups.includes(g.name)) user.groups.push(g.name)
        graph.touch(bag, user)
      }
    },
  },
}
